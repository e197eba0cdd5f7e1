"""The operation log (操作日志): who did what, from where; append-only."""
from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, Text

from app.models.base import Model


class OperationLog(Model):
    __tablename__ = "operation_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=datetime.now, index=True)
    user_id = Column(Integer, nullable=True, index=True)
    username = Column(String(128), nullable=True)
    role = Column(String(100), nullable=True)
    village = Column(String(50), nullable=True)
    ip = Column(String(64), nullable=True)
    action = Column(String(20), nullable=False, index=True)
    resource = Column(String(50), nullable=True)
    record_id = Column(String(50), nullable=True)
    summary = Column(String(500), nullable=True)
    changes = Column(Text, nullable=True)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or ''} {self.action}"

"""The FAB user extended with the village a specialist is bound to and lockout state."""
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, DateTime, ForeignKey, Integer
from sqlalchemy.orm import relationship


class LingongUser(User):
    __tablename__ = "ab_user"

    # use_alter: village rows carry created_by_fk to ab_user, so the two tables refer to each other.
    village_id = Column(Integer, ForeignKey("village.id", use_alter=True, name="fk_ab_user_village_id"), nullable=True)
    locked_until = Column(DateTime, nullable=True)
    village = relationship("Village", foreign_keys=[village_id], lazy="joined")

    @property
    def role_names(self):
        return {role.name for role in self.roles}

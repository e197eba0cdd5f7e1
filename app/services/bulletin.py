"""The bulletin (零工市场旬调度通报) of a computed period: its text, ranked table and .xlsx workbook."""
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from app.models.reporting import INDICATORS
from app.services import scoring
from app.services.scoring import ATTENTION_BELOW, INDICATOR_NAMES, Period

DEFAULT_ISSUER = "中塘镇社会保障服务所"


@dataclass
class Bulletin:
    key: str
    title: str
    subtitle: str
    published: bool
    summary: str
    lines: list
    praise: str
    attention: str
    issuer: str
    issued_on: date
    weights: dict

    @property
    def date_text(self):
        return f"{self.issued_on.year}年{self.issued_on.month}月{self.issued_on.day}日"


def _rate(num, den):
    return "—" if not den else f"{scoring.half_up(Fraction(num * 100, den))}%"


def build(session, period_row, config=None):
    """The bulletin's parts, generated from the stored figures of ``period_row``."""
    config = config or {}
    period = Period.parse(period_row.key)
    lines = scoring.score_lines(session, period_row)
    town = config.get("TOWN_SHORT_NAME", "中塘镇")
    issuer = config.get("SCORING_ISSUER", DEFAULT_ISSUER)
    top = [line for line in lines if line.rank == 1]
    low = [line for line in lines if line.total < ATTENTION_BELOW]
    sums = {name: (sum(l.counts[name][0] for l in lines), sum(l.counts[name][1] for l in lines)) for name in INDICATORS}
    mean = scoring.half_up(Fraction(sum(Fraction(l.total) for l in lines)) / len(lines)) if lines else Decimal("0.0")
    names = lambda group: "、".join(l.village for l in group)  # noqa: E731
    parts = [f"{period.label}（{period.start.month}月{period.start.day}日至{period.end.month}月{period.end.day}日），"
             f"{town}对{len(lines)}个村(社区)零工市场工作进行了调度评分，平均得分{mean}分。"]
    if top:
        tied = "并列" if len(top) > 1 else ""
        parts.append(f"{names(top)}{tied}第一名（{top[0].total}分）。")
    if low:
        parts.append(f"{names(low)}得分低于{ATTENTION_BELOW}分，需加强。")
    else:
        parts.append(f"各村(社区)得分均在{ATTENTION_BELOW}分以上。")
    jobs = sums["I3"][0]
    parts.append(
        f"全镇周报按时报送率{_rate(*sums['I1'])}（{sums['I1'][0]}/{sums['I1'][1]}），"
        f"劳动力台账近{period_row.i2_window_days + 1}天核实率{_rate(*sums['I2'])}（{sums['I2'][0]}/{sums['I2'][1]}），"
        f"本旬收集用工需求{jobs}条，"
        f"脱贫户、监测户“一户一人一就业”覆盖率{_rate(*sums['I4'])}（{sums['I4'][0]}/{sums['I4'][1]}），"
        f"到期劳资纠纷按期化解率{_rate(*sums['I5'])}（{sums['I5'][0]}/{sums['I5'][1]}）。"
    )
    praise = f"对{names(top)}予以通报表扬。" if top else ""
    attention = (f"对{names(low)}予以通报提醒，请于下一旬内补齐周报、核实台账、收集用工需求、跟进重点户就业和纠纷化解。"
                 if low else "")
    issued = (period_row.published_at or period_row.computed_at).date()
    return Bulletin(
        key=period_row.key, title="零工市场旬调度通报", subtitle=f"（{period.label}）", published=period_row.published,
        summary="".join(parts), lines=lines, praise=praise, attention=attention, issuer=issuer, issued_on=issued,
        weights=period_row.weights,
    )


def workbook(bulletin):
    """The bulletin as an .xlsx: title, summary, the ranked table with the numbers behind each figure."""
    book = Workbook()
    sheet = book.active
    sheet.title = "旬调度通报"
    headers = ["名次", "村(社区)"]
    for name in INDICATORS:
        headers += [f"{name} {INDICATOR_NAMES[name]}（{bulletin.weights[name]}分）", f"{name} 得分"]
    headers += ["总分", "备注"]
    width = len(headers)
    thin = Side(style="thin")
    sheet.append([bulletin.title + bulletin.subtitle])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([bulletin.summary])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 90
    sheet.append(headers)
    for line in bulletin.lines:
        row = [line.rank, line.village]
        for name in INDICATORS:
            num, den = line.counts[name]
            row += [f"{num}/{den}" if den else "无（按满分）", float(line.points(name))]
        note = "通报表扬" if line.rank == 1 else "通报提醒" if line.attention else ""
        row += [float(line.total), note]
        sheet.append(row)
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row, max_col=width):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for extra in (bulletin.praise, bulletin.attention, "", bulletin.issuer, bulletin.date_text):
        sheet.append([extra])
    for index in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12 if index > 2 else 9
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

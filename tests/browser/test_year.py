"""The appraisal year on the demo data, played in the browser by the people who do it.

Everything after `seed_demo` is done through the pages: each visit starts at
"/" and goes on by links, buttons and forms. The clock moves with time-machine
where days must pass; the year starts on a fixed Monday so that the working
days of the publicity and the report are known.
"""

import datetime
import re
import zoneinfo
from io import BytesIO

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import menu_follow, sign_in, sign_up
from tests.factories.exams import pdf_upload
from tests.factories.images import portrait

PASSWORD = "jianding2026"
APPLICANT_PASSWORD = "Shen-bao-2026"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# Monday 2 November 2026: the center revises its plan and opens a new batch.
START = datetime.datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
REGISTRATION_CLOSES = datetime.date(2026, 11, 6)
THEORY_DATE = datetime.date(2026, 11, 16)
SKILL_DATE = datetime.date(2026, 11, 17)
NEW_APPLICANT = {"name": "刘强", "id_number": "320104200603152137", "phone": "13912340001"}
FEE_ITEM = "鉴定费（电工三级）"
SKILL_ITEMS = (("安装接线", 60, False), ("故障排查与说明", 40, True))
LATE_APPLICANT = ("320102200503151230", "张伟")  # a demo student
THEORY_MARK = 75.0  # both theory papers, marked on paper
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SHANGHAI)


def _upload(page, label, name, data, mime):
    card = page.locator(".card", has=page.get_by_role("heading", name=label, exact=True))
    card.locator("input[type=file]").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    card.get_by_role("button", name=re.compile("上传")).click()
    expect(page.get_by_text("材料已上传。")).to_be_visible()


def _student_documents(page):
    _upload(page, "学生证复印件", "card.png", portrait(fmt="PNG"), "image/png")
    _upload(page, "身份证复印件", "id.pdf", pdf_upload().read(), "application/pdf")
    _upload(page, "黑白 2 寸照片", "me.jpg", portrait(), "image/jpeg")
    page.get_by_role("button", name="使用此照片").click()


@pytest.mark.django_db(transaction=True)
def test_the_year_on_the_demo_data(open_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    pages = []

    def visit(viewport, username=None, password=PASSWORD):
        """Start a person's visit at "/" on his device, signed in unless he is a visitor."""
        page = open_page(viewport)
        pages.append(page)
        if username is None:
            page.goto("/")
        else:
            sign_in(page, username, password)
        return page

    with time_machine.travel(START, tick=True) as clock:
        call_command("seed_demo")
        settings.DEBUG = False
        try:
            _year(visit, clock)
        except Exception:
            # A journey this long fails far from its cause: show what each person's page said.
            for page in pages:
                print("=====", page.url)
                print(page.locator("body").inner_text())
            raise


def _year(visit, clock):
    # The clerk revises the approved plan: a level-3 electricians' class is added.
    clerk = visit("desktop", "clerk")
    menu_follow(clerk, "年度计划")
    clerk.get_by_role("link", name="2026 年度鉴定计划（第 1 版）").click()
    clerk.get_by_label("本次修订的内容和理由").fill("机电工程系增开电工三级（高级工）班。")
    clerk.get_by_role("button", name="开始修订").click()
    expect(clerk.get_by_role("heading", name="2026 年度鉴定计划（第 2 版）")).to_be_visible()
    clerk.get_by_label("职业（工种）").select_option(label="电工（6-31-01-03）")
    clerk.get_by_label("等级").select_option("3")
    clerk.get_by_label("月份").select_option("11")
    clerk.get_by_label("预计人数").fill("20")
    clerk.get_by_label("系部").fill("机电工程系")
    clerk.get_by_role("button", name="添加", exact=True).click()
    expect(clerk.get_by_text("条目已添加。")).to_be_visible()
    clerk.get_by_role("button", name="报所长审批").click()
    expect(clerk.get_by_test_id("plan-status")).to_have_text("已报审")

    # The director approves it on his phone.
    director = visit("phone", "director")
    director.get_by_role("link", name=re.compile("待审批的年度计划")).click()  # one waits: it opens
    expect(director.get_by_role("heading", level=1)).to_contain_text("2026 年度鉴定计划（第 2 版）")
    director.get_by_role("button", name="批准").click()
    expect(director.get_by_test_id("plan-status")).to_have_text("已批准")

    # The province set a fee for level 3: the clerk records it and revises the fee plan.
    menu_follow(clerk, "账簿")
    form = clerk.locator("details", has_text="添加收费项目")
    form.locator("summary").click()
    form.get_by_label("名称").fill(FEE_ITEM)
    form.get_by_label("收入科目").select_option(label="4101 鉴定费收入")
    form.get_by_label("收费标准（元）").fill("200")
    form.get_by_label("文件号").fill("苏价费〔2026〕7号")
    form.get_by_label("文件日期").fill("2026-10-15")
    form.get_by_role("button", name="添加").click()
    expect(clerk.get_by_role("row", name=re.compile(re.escape(FEE_ITEM)))).to_contain_text("200.00")
    menu_follow(clerk, "收费计划及预算")
    clerk.get_by_role("link", name="2026 年收费计划及预算（第 1 版）").click()
    clerk.get_by_label("本次修订的内容和理由").fill("新增电工三级鉴定费，依苏价费〔2026〕7号。")
    clerk.get_by_role("button", name="开始修订").click()
    expect(clerk.get_by_role("heading", name="2026 年收费计划及预算（第 2 版）")).to_be_visible()
    clerk.get_by_label("收费项目").select_option(label=f"{FEE_ITEM} ¥200.00")
    clerk.get_by_label("预计缴费人数").fill("20")
    clerk.get_by_role("button", name="添加", exact=True).click()
    expect(clerk.get_by_role("row", name=re.compile(re.escape(FEE_ITEM)))).to_contain_text("200.00")
    clerk.get_by_role("button", name="报所长审批").click()
    expect(clerk.get_by_test_id("plan-status")).to_have_text("待所长审批")
    director.goto("/")
    director.get_by_role("link", name=re.compile("待审批的收费计划及预算")).click()
    director.get_by_role("link", name="2026 年收费计划及预算（第 2 版）").click()
    director.get_by_role("button", name="批准").click()
    expect(director.get_by_test_id("plan-status")).to_have_text("已批准")

    # The clerk creates the batch from the new line, at the new fee.
    menu_follow(clerk, "年度计划")
    clerk.get_by_role("link", name="2026 年度鉴定计划（第 2 版）").click()
    clerk.get_by_role("row", name=re.compile("电工.*三级")).get_by_role("link", name="创建批次").click()
    clerk.get_by_label("报名开始日期").fill(START.date().isoformat())
    clerk.get_by_label("报名截止日期").fill(REGISTRATION_CLOSES.isoformat())
    clerk.get_by_label("理论考试日期").fill(THEORY_DATE.isoformat())
    clerk.get_by_label("技能考核日期").fill(SKILL_DATE.isoformat())
    clerk.get_by_label("收费项目").select_option(label=f"{FEE_ITEM} ¥200.00")
    clerk.get_by_label("报考条件").fill("取得电工四级证书，或完成本专业高级工课程。")
    clerk.get_by_label("实施方案").fill("理论考试在教学楼 301，考评员两人背靠背评阅主观题。")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.get_by_test_id("batch-status")).to_have_text("草稿")

    # The deputy approves the batch and its scheme on his tablet; the clerk opens registration.
    deputy = visit("tablet", "deputy")
    deputy.get_by_role("link", name=re.compile("待审核的批次及实施方案")).click()
    deputy.get_by_role("link", name=re.compile("电工.*三级")).click()
    deputy.get_by_role("button", name="批准批次及实施方案").click()
    expect(deputy.get_by_test_id("batch-status")).to_have_text("已批准")
    clerk.reload()
    clerk.get_by_role("button", name="开始报名").click()
    expect(clerk.get_by_test_id("batch-status")).to_have_text("报名中")

    # A new applicant signs up on his phone and applies.
    phone = visit("phone")
    sign_up(phone, **NEW_APPLICANT, password=APPLICANT_PASSWORD)
    menu_follow(phone, "我的报名")
    phone.locator(".list-group-item").filter(has_text="三级").get_by_role("link", name="报名").click()
    phone.get_by_role("link", name="先核对个人资料").click()
    phone.get_by_label("学历").select_option("vocational")
    phone.get_by_label("单位或班级").fill("24 机电高级工班")
    phone.get_by_role("button", name="保存").click()
    phone.get_by_label("在校生").check()
    phone.get_by_role("button", name="开始报名").click()
    expect(phone.get_by_test_id("application-status")).to_have_text("草稿")
    _student_documents(phone)
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.get_by_test_id("application-status")).to_have_text("已提交")

    # Exam staff return it: the student card is unreadable. He uploads it again.
    staff = visit("desktop", "examstaff")
    _review(staff, NEW_APPLICANT["name"], "退回修改", reason="学生证复印件不清楚，请重新上传。")
    expect(staff.get_by_text(f"已记录审核结果：{NEW_APPLICANT['name']}，已退回修改。")).to_be_visible()
    phone.reload()
    expect(phone.get_by_test_id("review-reason")).to_contain_text("学生证复印件不清楚")
    _upload(phone, "学生证复印件", "card2.png", portrait(fmt="PNG"), "image/png")
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.get_by_test_id("application-status")).to_have_text("已提交")

    # A demo student applies on the last day of registration.
    late_phone = visit("phone", LATE_APPLICANT[0])
    clock.move_to(_at(REGISTRATION_CLOSES, 16))
    menu_follow(late_phone, "我的报名")
    late_phone.locator(".list-group-item").filter(has_text="三级").get_by_role("link", name="报名").click()
    late_phone.get_by_label("在校生").check()
    late_phone.get_by_role("button", name="开始报名").click()
    _student_documents(late_phone)
    late_phone.get_by_role("button", name="提交审核").click()
    expect(late_phone.get_by_test_id("application-status")).to_have_text("已提交")

    # Monday after the close: the clerk closes registration; exam staff approve both.
    clock.move_to(_at(REGISTRATION_CLOSES + datetime.timedelta(days=3)))
    clerk = visit("desktop", "clerk")
    _batch(clerk)
    clerk.get_by_role("button", name="截止报名").click()
    expect(clerk.get_by_test_id("batch-status")).to_have_text("报名已截止")
    staff = visit("desktop", "examstaff")
    for name in (NEW_APPLICANT["name"], LATE_APPLICANT[1]):
        _review(staff, name, "批准")
        expect(staff.get_by_text(f"已记录审核结果：{name}，已批准。")).to_be_visible()
    phone = visit("phone", NEW_APPLICANT["id_number"], APPLICANT_PASSWORD)
    menu_follow(phone, "我的报名")
    expect(phone.get_by_test_id("application-status").first).to_have_text("已批准")
    phone.get_by_role("link", name=re.compile("电工 三级")).click()
    expect(phone.get_by_test_id("fee-status")).to_have_text("未缴费（¥200.00）")

    # The clerk declares both to the city center, which approves the new applicant at once.
    menu_follow(clerk, "申报")
    clerk.locator(".list-group-item").filter(has_text="三级").get_by_role("button", name="申报").click()
    expect(clerk.get_by_role("row", name=re.compile(LATE_APPLICANT[1]))).to_contain_text("已申报市鉴定中心")
    clerk.get_by_label("市鉴定中心批文号").fill("宁鉴〔2026〕88号")
    clerk.get_by_label("批准日期").fill(_today().isoformat())
    clerk.get_by_label(re.compile(NEW_APPLICANT["name"])).check()
    clerk.get_by_role("button", name="登记", exact=True).click()
    expect(clerk.get_by_role("row", name=re.compile(NEW_APPLICANT["name"]))).to_contain_text(
        "市鉴定中心已核准"
    )

    # Both pay the fee at the desk.
    finance = visit("desktop", "finance")
    for receipt, name in enumerate((NEW_APPLICANT["name"], LATE_APPLICANT[1]), start=3):
        menu_follow(finance, "收费")
        finance.get_by_label("搜索").fill(name)
        finance.get_by_role("button", name="筛选").click()
        finance.get_by_role("link", name=name, exact=True).click()
        expect(finance.get_by_test_id("fee-state")).to_contain_text("应缴： ¥200.00")
        finance.get_by_label("金额（元）").fill("200")
        finance.get_by_label("缴费方式").select_option(label="现场缴费")
        finance.get_by_label("账户").select_option(label="现金")
        finance.get_by_label("票据本").select_option(index=1)
        finance.get_by_label("票据号码").fill(str(receipt))
        finance.get_by_role("button", name="收费并入账").click()
        expect(finance.get_by_test_id("fee-state")).to_contain_text("已缴： ¥200.00")

    # Exam staff write the skill assessment's scoring standard and arrange both sessions.
    menu_follow(staff, "评分标准")
    staff.get_by_role("link", name="新建标准或新版本").click()
    staff.get_by_label("职业（工种）").select_option(label="电工（6-31-01-03）")
    staff.get_by_label("等级").select_option("3")
    staff.get_by_label("科目").select_option("skill")
    staff.get_by_label("施行日期").fill(SKILL_DATE.isoformat())
    staff.get_by_label("多名考评员分数的合成方式").select_option("chief")
    staff.get_by_label("最大分差（分）").fill("5")
    for number, (title, points, subjective) in enumerate(SKILL_ITEMS, 1):
        staff.get_by_label(f"考核项目 {number}", exact=True).fill(title)
        staff.get_by_label(f"配分 {number}").fill(str(points))
        if subjective:
            staff.get_by_label(f"主观评分 {number}").check()
    staff.get_by_role("button", name="保存").click()
    expect(staff.get_by_text("分差 5.0")).to_be_visible()

    _batch(staff)
    staff.get_by_role("link", name="场次与准考证").click()
    staff.get_by_role("link", name="新建场次").click()
    staff.get_by_label("科目").select_option("theory")
    staff.get_by_label("日期").fill(THEORY_DATE.isoformat())
    staff.get_by_label("开始时间").fill("09:00")
    staff.get_by_label("结束时间").fill("10:30")
    staff.get_by_label("教学楼 301").check()
    staff.get_by_role("button", name="保存").click()
    expect(staff.get_by_text("场次已保存。")).to_be_visible()
    staff.get_by_role("button", name="编排座位").click()
    expect(staff.get_by_text("已为 1 名考生编排座位。")).to_be_visible()
    staff.get_by_label("吴芳").check()
    staff.get_by_label("陈静").check()
    staff.get_by_role("button", name="保存监考人员").click()
    expect(staff.get_by_text("监考人员已保存。")).to_be_visible()
    staff.get_by_role("link", name=re.compile("电工 三级")).first.click()
    staff.get_by_role("link", name="新建场次").click()
    staff.get_by_label("科目").select_option("skill")
    staff.get_by_label("日期").fill(SKILL_DATE.isoformat())
    staff.get_by_label("开始时间").fill("09:00")
    staff.get_by_label("结束时间").fill("11:30")
    staff.get_by_label("现场技术保障人员").fill("冯海涛")
    staff.get_by_label("实训中心 电工车间").check()
    staff.get_by_role("button", name="保存").click()
    expect(staff.get_by_text("场次已保存。")).to_be_visible()
    staff.get_by_role("button", name="编排座位").click()
    expect(staff.get_by_text("已为 1 名考生编排座位。")).to_be_visible()
    staff.get_by_label("吴芳").check()
    staff.get_by_role("button", name="保存监考人员").click()
    expect(staff.get_by_text("监考人员已保存。")).to_be_visible()
    for examiner in ("孙志强（examiner）", "黄建平（examiner2）", "周德明（chief）"):
        staff.get_by_role("combobox", name="考评员").select_option(label=examiner)
        staff.get_by_role("button", name="安排", exact=True).click()
    expect(staff.get_by_role("region", name="考评员")).to_contain_text("周德明")
    staff.get_by_role("link", name=re.compile("电工 三级")).first.click()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="发布并发放准考证").click()
    expect(staff.get_by_text("已发布：发放准考证 1 张。")).to_be_visible()

    # The applicant finds his ticket on his phone.
    phone = visit("phone", NEW_APPLICANT["id_number"], APPLICANT_PASSWORD)
    menu_follow(phone, "我的报名")
    ticket_link = phone.get_by_role("link", name=re.compile("打印准考证"))
    tickets = [ticket_link.inner_text().split()[-1]]
    phone.get_by_role("link", name=re.compile("电工 三级")).click()
    expect(phone.get_by_test_id("fee-status")).to_have_text("已缴费")

    # The next day the city center approves the demo student too: exam staff seat him late.
    clock.move_to(_at(REGISTRATION_CLOSES + datetime.timedelta(days=4)))
    clerk = visit("desktop", "clerk")
    menu_follow(clerk, "申报")
    clerk.get_by_role("link", name=re.compile("电工 三级")).first.click()
    clerk.get_by_label("市鉴定中心批文号").fill("宁鉴〔2026〕91号")
    clerk.get_by_label("批准日期").fill(_today().isoformat())
    clerk.get_by_role("button", name="登记", exact=True).click()
    expect(clerk.get_by_role("row", name=re.compile(LATE_APPLICANT[1]))).to_contain_text("市鉴定中心已核准")
    staff = visit("desktop", "examstaff")
    _batch(staff)
    staff.get_by_role("link", name="场次与准考证").click()
    expect(staff.get_by_test_id("not-seated")).to_contain_text(LATE_APPLICANT[1])
    staff.get_by_role("link", name="理论考试 第1场").click()
    staff.get_by_role("button", name=f"为 {LATE_APPLICANT[1]} 补充编排并发放准考证").click()
    expect(staff.get_by_text(re.compile(f"已为 {LATE_APPLICANT[1]} 编排座位，发放准考证"))).to_be_visible()
    late_phone = visit("phone", LATE_APPLICANT[0])
    menu_follow(late_phone, "我的报名")
    tickets.append(late_phone.get_by_role("link", name=re.compile("打印准考证")).inner_text().split()[-1])

    # The exam day: the deputy starts the exams, the proctors check the candidates in.
    clock.move_to(_at(THEORY_DATE, 8))
    deputy = visit("tablet", "deputy")
    _batch(deputy)
    deputy.get_by_role("button", name="开始考试").click()
    expect(deputy.get_by_test_id("batch-status")).to_have_text("考试中")
    _check_in(visit("tablet", "proctor"), "理论考试", tickets)

    # The next day the candidates come to the workshop for the skill assessment.
    clock.move_to(_at(SKILL_DATE, 8))
    _check_in(visit("tablet", "proctor"), "技能考核", tickets)

    # After the assessment, exam staff mark the theory papers by code and import the marks.
    clock.move_to(_at(SKILL_DATE, 13))
    staff = visit("desktop", "examstaff")
    _batch(staff)
    staff.get_by_role("button", name="批次转入评分阶段（考试已结束）").click()
    expect(staff.get_by_test_id("batch-status")).to_have_text("评分中")
    staff.get_by_role("link", name="场次与准考证").click()
    staff.get_by_role("link", name="理论考试 第1场").click()
    staff.get_by_role("link", name="理论成绩").click()
    staff.get_by_role("button", name="编制考生代码").click()
    expect(staff.get_by_test_id("marks-summary")).to_contain_text("已编代码 2 人")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="考生代码表（.xlsx）").click()
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    for row in book.active.iter_rows(min_row=2):
        row[4].value = THEORY_MARK
    filled = BytesIO()
    book.save(filled)
    staff.get_by_label("电子表格（.xlsx）").set_input_files(
        {"name": "marks.xlsx", "mimeType": XLSX, "buffer": filled.getvalue()}
    )
    staff.get_by_role("button", name="预览").click()
    expect(staff.get_by_test_id("import-summary")).to_contain_text("新增 2")
    staff.get_by_role("button", name="确认导入").click()
    expect(staff.get_by_test_id("marks-summary")).to_contain_text("已有成绩 2 人")
    _batch(staff)
    staff.get_by_role("link", name="场次与准考证").click()
    staff.get_by_role("link", name="理论考试 第1场").click()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="统分").click()
    expect(staff.get_by_role("status").first).to_contain_text("2")

    # Exam staff open blind scoring of the skill assessment.
    _batch(staff)
    staff.get_by_role("link", name="场次与准考证").click()
    staff.get_by_role("link", name="技能考核 第1场").click()
    staff.get_by_role("button", name="为考评员生成评分表").click()

    # The three examiners score every candidate on their tablets, seeing codes only.
    for username, points in (
        ("examiner", ("52", "33.5")),
        ("examiner2", ("52", "30")),
        ("chief", ("52", "25")),
    ):
        tablet = visit("tablet", username)
        menu_follow(tablet, "我的评分")
        for index in range(2):
            tablet.locator("a.list-group-item").nth(index).click()
            tablet.wait_for_url(re.compile(r"/sheets/\d+/$"))
            titles = [title for title, _points, _subjective in SKILL_ITEMS]
            total = 0.0
            for number, (title, value) in enumerate(zip(titles, points, strict=True), 1):
                tablet.get_by_label(f"{number}. {title}").fill(value)
                tablet.get_by_label(f"{number}. {title}").press("Tab")
                # Each value saves before the next is typed, so the total follows them in order.
                total += float(value)
                expect(tablet.get_by_test_id("sheet-total")).to_have_text(f"总分 {total:.1f}")
            tablet.get_by_label("您的登录密码（作为签名）").fill(PASSWORD)
            tablet.get_by_role("button", name="签名").click()
            expect(tablet.get_by_text(re.compile("已签名锁定。"))).to_be_visible()
            menu_follow(tablet, "我的评分")
        for name in (NEW_APPLICANT["name"], LATE_APPLICANT[1]):
            expect(tablet.locator("main")).not_to_contain_text(name)

    # The examiners differ by 8.5 on the fault finding: the chief examiner decides, from his dashboard.
    tablet.goto("/")
    card = tablet.locator(".dashboard-card", has_text="待裁定的超出分差项目")
    expect(card.get_by_test_id("card-count")).to_have_text("2")
    card.click()  # one session waits: the card opens its items
    for index in range(2):
        row = tablet.get_by_test_id("spread-row").nth(index)
        expect(row).to_contain_text("33.5")
        expect(row).to_contain_text("25.0")
        row.get_by_label("得分").fill("30")
        row.get_by_label("理由").fill("要点基本齐全，按评分标准第 2 条")
        row.get_by_role("button", name="裁定").click()
        expect(tablet.get_by_test_id("spread-row").nth(index)).to_contain_text("30.0 · 要点基本齐全")
    tablet.goto("/")
    expect(card.get_by_test_id("card-count")).to_have_text("0")

    # Exam staff tally the assessment too.
    staff.reload()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="统分").click()
    expect(staff.get_by_role("status").first).to_contain_text("2")

    # The clerk checks the theory tally, typing the paper marks again blind: a slip stops him.
    # Two sessions wait: the card opens the batch that holds them, which links each check.
    clerk = visit("desktop", "clerk")
    clerk.get_by_role("link", name=re.compile("待复核的统分")).click()
    clerk.get_by_role("link", name=re.compile("电工 三级")).first.click()
    clerk.get_by_test_id("tallies-to-check").get_by_role("link", name="复核理论考试第1场").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("复核")
    for name, typed in ((NEW_APPLICANT["name"], "57"), (LATE_APPLICANT[1], str(THEORY_MARK))):
        clerk.get_by_label(f"{name} 的纸质成绩（再次录入）").fill(typed)
        clerk.get_by_label(f"已核对 {name}").check()
    clerk.get_by_role("button", name="确认复核，成绩生效").click()
    expect(clerk.get_by_test_id("check-errors")).to_contain_text(f"{NEW_APPLICANT['name']}（理论考试）")
    expect(clerk.get_by_test_id("check-errors")).not_to_contain_text(LATE_APPLICANT[1])
    clerk.get_by_label(f"{NEW_APPLICANT['name']} 的纸质成绩（再次录入）").fill(str(THEORY_MARK))
    clerk.get_by_role("button", name="确认复核，成绩生效").click()
    expect(clerk.get_by_role("status").first).to_contain_text("复核完成")

    # Then the skill tally, with the chief examiner's decisions.
    # One session waits now: the card opens its check.
    clerk.goto("/")
    clerk.get_by_role("link", name=re.compile("待复核的统分")).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("复核")
    for name in (NEW_APPLICANT["name"], LATE_APPLICANT[1]):
        line = clerk.get_by_test_id("check-line").filter(has_text=name)
        expect(line).to_contain_text("考评组长裁定")
        expect(line.get_by_test_id("line-result")).to_have_text("82.0 · 通过")
        line.get_by_label(f"已核对 {name}").check()
    clerk.get_by_role("button", name="确认复核，成绩生效").click()
    expect(clerk.get_by_role("status").first).to_contain_text("复核完成")

    # The clerk publicises the list of those qualified for five working days.
    _batch(clerk)
    clerk.get_by_role("link", name="场次与准考证").click()
    clerk.get_by_role("link", name="成绩登记表").click()
    clerk.get_by_role("link", name="公示与报备").click()
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.get_by_role("button", name="公示名单").click()
    expect(clerk.get_by_test_id("publicity")).to_contain_text("合格 2 人")
    expect(clerk.get_by_test_id("publicity")).to_contain_text("2026-11-23")
    visitor = visit("phone")
    menu_follow(visitor, "公示")
    publicised = (
        visitor.locator("section, div")
        .filter(has=visitor.get_by_role("heading", name="电工 三级/高级工"))
        .last
    )
    expect(publicised).to_contain_text("公示期 2026-11-17 至 2026-11-23")
    for name in (NEW_APPLICANT["name"], LATE_APPLICANT[1]):
        expect(visitor.get_by_role("row", name=re.compile(name))).to_contain_text("********")

    # The day after the publicity the clerk reports the batch to the city center.
    clock.move_to(_at(datetime.date(2026, 11, 24)))
    clerk = visit("desktop", "clerk")
    expect(clerk.get_by_role("link", name=re.compile("待报备市鉴定中心的批次"))).to_contain_text("2")
    _batch(clerk)
    clerk.get_by_role("link", name="场次与准考证").click()
    clerk.get_by_role("link", name="成绩登记表").click()
    clerk.get_by_role("link", name="公示与报备").click()
    clerk.get_by_label("报备文号").fill("鉴报〔2026〕31号")
    clerk.get_by_label("报备日期").fill("2026-11-24")
    clerk.once("dialog", lambda dialog: dialog.accept())
    clerk.get_by_role("button", name="登记报备").click()
    expect(clerk.get_by_test_id("reported")).to_contain_text("鉴报〔2026〕31号")

    # The applicants see both results on their phones.
    phone = visit("phone", NEW_APPLICANT["id_number"], APPLICANT_PASSWORD)
    menu_follow(phone, "我的报名")
    late_phone = visit("phone", LATE_APPLICANT[0])
    menu_follow(late_phone, "我的报名")
    for results in (
        phone.get_by_test_id("results"),
        late_phone.locator(".list-group-item").filter(has_text="三级").get_by_test_id("results"),
    ):
        expect(results).to_contain_text(f"理论考试：{THEORY_MARK:.1f} 通过")
        expect(results).to_contain_text("技能考核：82.0 通过")


def _check_in(proctor, part, tickets):
    """The proctor checks the candidates in at the door of his room of the batch's ``part``."""
    menu_follow(proctor, "我的监考")
    duty = proctor.locator(".list-group-item", has_text="电工 三级").filter(has_text=part)
    duty.get_by_role("link", name="考生入场核验").click()
    expect(proctor.get_by_test_id("present")).to_have_text("应到 2 人，实到 0 人")
    for ticket in tickets:
        proctor.get_by_label("准考证号").fill(ticket)
        proctor.get_by_role("button", name="核验入场").click()
    expect(proctor.get_by_test_id("present")).to_have_text("应到 2 人，实到 2 人")


def _today() -> datetime.date:
    """Today on the center's clock, as time-machine has set it."""
    return datetime.datetime.now(SHANGHAI).date()


def _batch(page):
    """Open the new batch from the list of batches."""
    menu_follow(page, "鉴定批次")
    page.get_by_role("link", name=re.compile("电工 三级")).first.click()


def _review(staff, name, decision, reason=""):
    """Exam staff open an application from the list of those waiting and decide it."""
    staff.goto("/")
    staff.get_by_role("link", name=re.compile("待审核的报名")).click()
    staff.get_by_role("link", name=name).click()
    if reason:
        staff.get_by_label("理由").fill(reason)
    staff.get_by_role("button", name=decision, exact=True).click()

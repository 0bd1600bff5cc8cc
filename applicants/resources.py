"""The sheets of the applicants app: the declaration list and the roster."""

from tablib import Dataset


def _row(number, application):
    applicant = application.applicant
    return [
        number,
        applicant.name,
        applicant.get_sex_display(),
        applicant.id_number,
        applicant.get_education_display(),
        application.batch.occupation.name,
        application.batch.get_level_display(),
        application.get_category_display(),
        application.class_name,
        application.get_theory_attempt_display(),
        application.get_skill_attempt_display(),
        applicant.phone,
    ]


HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "文化程度",
    "职业（工种）",
    "等级",
    "类别",
    "班级/单位",
    "理论",
    "技能",
    "联系电话",
]


def applications_dataset(applications) -> Dataset:
    """Applications in the layout the city center takes (申报名单, 花名册)."""
    dataset = Dataset(headers=HEADERS)
    for number, application in enumerate(applications, start=1):
        dataset.append(_row(number, application))
    return dataset

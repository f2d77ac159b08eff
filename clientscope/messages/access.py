"""UI strings of sign-in, roles and the audit log: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {
    "access.login.title": {"zh_CN": "登录 Clientscope", "en": "Sign in to Clientscope"},
    "access.login.username": {"zh_CN": "用户名", "en": "User name"},
    "access.login.password": {"zh_CN": "密码", "en": "Password"},
    "access.login.submit": {"zh_CN": "登录", "en": "Sign in"},
    "access.login.wrong": {"zh_CN": "用户名或密码不正确。", "en": "The user name or password is not right."},
    "access.login.locked": {
        "zh_CN": "登录失败次数过多，账户已锁定 {minutes} 分钟。请稍后再试，或请管理员重置密码。",
        "en": "Too many failed sign-ins: the account is locked for {minutes} minutes. Try again later, or ask an "
        "administrator to reset the password.",
    },
    "access.login.disabled": {
        "zh_CN": "该账户已停用，请联系管理员。",
        "en": "This account is disabled. Ask an administrator.",
    },
    "access.login.expired": {
        "zh_CN": "页面已过期，请重新登录。",
        "en": "The page expired. Please sign in again.",
    },
    "access.login.signed_out": {"zh_CN": "您已退出登录。", "en": "You are signed out."},
    "access.login.language": {"zh_CN": "English", "en": "中文"},
    "access.logout": {"zh_CN": "退出", "en": "Sign out"},
    "access.user": {"zh_CN": "{user}（{role}）", "en": "{user} ({role})"},
    "access.open_mode": {
        "zh_CN": "演示模式：未启用登录，仅本机可访问，所有人可见全部数据。"
        "部署前请配置 access.yaml（见 docs/access.md）。",
        "en": "Open mode: no sign-in, answered on this machine only, everyone sees all data. Configure access.yaml "
        "before deploying (see docs/access.md).",
    },
    "access.denied.title": {"zh_CN": "无权查看此页面", "en": "You may not open this page"},
    "access.denied.body": {
        "zh_CN": "您的角色（{role}）不能查看此页面。如需访问，请联系管理员。",
        "en": "Your role ({role}) does not include this page. Ask an administrator if you need it.",
    },
    "access.gateway": {
        "zh_CN": "请通过银行统一登录门户访问 Clientscope。",
        "en": "Sign in through the bank's gateway to use Clientscope.",
    },
    "access.no_role": {
        "zh_CN": "您的账户尚未分配 Clientscope 角色，请联系管理员。",
        "en": "Your account has no Clientscope role yet. Ask an administrator.",
    },
    "access.role.head_office": {"zh_CN": "总行", "en": "Head office"},
    "access.role.region_manager": {"zh_CN": "区域经理", "en": "Region manager"},
    "access.role.branch_manager": {"zh_CN": "支行行长", "en": "Branch manager"},
    "access.role.relationship_manager": {"zh_CN": "客户经理", "en": "Relationship manager"},
    "access.role.marketing": {"zh_CN": "市场营销", "en": "Marketing"},
    "access.role.auditor": {"zh_CN": "审计", "en": "Auditor"},
    "nav.audit": {"zh_CN": "审计日志", "en": "Audit log"},
    "audit.title": {"zh_CN": "审计日志", "en": "Audit log"},
    "audit.intro": {
        "zh_CN": "谁在何时登录、查看了哪个页面和筛选、打开了哪位客户、导出了什么（只增不改，不含密码与个人信息）。",
        "en": "Who signed in, viewed which page with which filters, opened which customer and exported what "
        "(append-only; no passwords, no personal data).",
    },
    "audit.col.id": {"zh_CN": "序号", "en": "No."},
    "audit.col.at": {"zh_CN": "时间（UTC）", "en": "Time (UTC)"},
    "audit.col.username": {"zh_CN": "用户", "en": "User"},
    "audit.col.role": {"zh_CN": "角色", "en": "Role"},
    "audit.col.action": {"zh_CN": "操作", "en": "Action"},
    "audit.col.target": {"zh_CN": "对象", "en": "Target"},
    "audit.col.detail": {"zh_CN": "详情", "en": "Detail"},
    "audit.col.remote_addr": {"zh_CN": "来源地址", "en": "Address"},
}

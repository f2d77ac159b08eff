// Light / dark theme from the URL (?theme=dark): Bootstrap 5.3 colour modes via data-bs-theme.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    clientscope: {
        applyTheme: function (search) {
            const params = new URLSearchParams(search || "");
            const theme = params.get("theme") === "dark" ? "dark" : "light";
            document.documentElement.setAttribute("data-bs-theme", theme);
            document.body.setAttribute("data-ag-theme-mode", theme);
            const lang = (params.get("lang") || "zh_CN").toLowerCase().startsWith("en") ? "en" : "zh-CN";
            document.documentElement.setAttribute("lang", lang);
            return theme;
        }
    }
});

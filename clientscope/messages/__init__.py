"""UI strings, one module per area; merged by clientscope.i18n."""

// Dashboard front end entry (see src/panel and src/protocol/webview.ts).

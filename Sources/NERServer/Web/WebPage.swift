// The single-page web UI that `zhner serve` returns for `GET /`: `page/index.html`, `page/style.css`
// and `page/app.js`, real files (an editor and a linter read them) embedded into the binary at build
// time (Package.swift, `.embedInCode`), so the page works offline and from the binary alone. The
// page talks only to the same server, through relative URLs (`style.css`, `app.js`, `v1/entities`,
// `v1/entities/stream`, `readyz`), so it also works behind a path prefix; its Content-Security-Policy
// allows no inline code.
//
// Rules the script keeps (see Tests/browser/test_page.py, which checks them in Chromium):
// - User and server text is only ever painted with textContent / text nodes, never innerHTML.
// - Entity offsets are Unicode code points: the text is split with Array.from before slicing.
// - Every request gets a sequence number and an AbortController; a newer request aborts the older
//   one, and a result whose number is not the latest is dropped, so results never arrive out of order.
// - Highlights are <mark class="ent" data-type data-start data-end>; table rows carry the same data-*;
//   #output[data-state] is idle | loading | streaming | retrying | done | error (for tests and styling);
//   "done" is set only once every highlight is painted (painting runs in animation frames).
// - Every visible word comes from app.js's MESSAGES table (zh and en); index.html's data-i18n attributes
//   name its keys. Nothing the user opens or types goes anywhere but this server's API; a share link keeps
//   the text in the URL fragment, which browsers do not send.
enum WebPage {
    static let html: [UInt8] = PackageResources.index_html
    static let script: [UInt8] = PackageResources.app_js
    static let style: [UInt8] = PackageResources.style_css
}

import Foundation
import HomewardKit

/// Small builders for the workbench's HTML: escaping, the page frame, forms that carry the
/// CSRF field.
enum Markup {
    /// Text or an attribute value escaped for HTML, as the reports escape it (`HTML.escape`:
    /// `& < > " '`, and control characters other than tab and line breaks replaced).
    static func escape(_ s: String) -> String { HTML.escape(s) }

    /// A whole page: the bar with the way home, a heading and the body (HTML).
    static func page(title: String, body: String, attributes: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Homeward workbench</title>
        <link rel="stylesheet" href="/static/workbench.css">
        </head>
        <body>
        <header class="bar"><a href="/">Homeward workbench</a></header>
        <main\(attributes)>
        <h1>\(escape(title))</h1>
        \(body)
        </main>
        <script src="/static/workbench.js"></script>
        </body>
        </html>

        """
    }

    /// A POST form to `action` holding the CSRF field, `fields` (HTML) and a submit button.
    static func form(
        action: String, csrf: String, button: String, fields: String = "", buttonClass: String? = nil,
        inline: Bool = false
    ) -> String {
        """
        <form method="post" action="\(escape(action))"\(inline ? " class=\"inline\"" : "")>\
        <input type="hidden" name="\(AccessGuard.csrfField)" value="\(escape(csrf))">\(fields)\
        <button type="submit"\(buttonClass.map { " class=\"\($0)\"" } ?? "")>\(escape(button))</button></form>
        """
    }

    /// A link to `path` with query fields encoded.
    static func link(_ path: String, _ query: [(String, String)] = []) -> String {
        let fields = query.map { FormCoding.encode($0.0) + "=" + FormCoding.encode($0.1) }
        return escape(path + (fields.isEmpty ? "" : "?" + fields.joined(separator: "&")))
    }
}

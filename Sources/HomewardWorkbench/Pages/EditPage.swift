import Foundation
import HomewardKit

extension Pages {
    /// The form editor of a scenario: every catalog field with its label, unit, meaning, range
    /// and source note, grouped; the validator's messages beside the fields they name; the
    /// new variant's file name; Check and Save.
    static func edit(_ editor: VariantEditor, outcome: VariantEditor.Outcome?, fileName: String, csrf: String) -> String
    {
        let messages = outcome?.messages ?? [:]
        var body = """
            <p class="lede">Change any value and save: the workbench writes a new scenario file that \
            <code>extends</code> <a href="\(Markup.link("/scenario", [("file", editor.baseName)]))">\
            \(Markup.escape(editor.baseName))</a> and holds only what you changed. Each value is checked \
            by the same validator as <code>homeward validate</code>.</p>
            """
        if let general = messages[""], !general.isEmpty {
            body += general.map { "<div class=\"problem\" role=\"alert\">\(Markup.escape($0))</div>" }.joined()
        }
        if let outcome, outcome.isValid, let variant = outcome.variant {
            body +=
                "<div class=\"callout ok\" role=\"status\">No problems: \(variant.changes.count) change\(variant.changes.count == 1 ? "" : "s") ready to save.</div>"
        }
        var fields = ""
        fields += "<input type=\"hidden\" name=\"file\" value=\"\(Markup.escape(editor.baseName))\">"
        fields += fieldRow(
            id: "variant", name: "variant", label: "Save as (file name)", value: fileName,
            help: "A new file in the scenario folder; an existing file is never replaced.",
            messages: messages["variant"] ?? [])
        for group in ScenarioField.Group.allCases {
            let list = editor.catalog.fields(in: group)
            guard !list.isEmpty else { continue }
            fields += "<fieldset><legend>\(Markup.escape(group.rawValue))</legend>"
            for field in list {
                var help = Markup.escape(field.meaning)
                help += "<br>Allowed: \(Markup.escape(field.range.description))"
                if !field.unit.isEmpty { help += "; unit: \(Markup.escape(field.unit))" }
                help += ". Base value: \(Markup.escape(field.currentText))"
                if let note = field.note { help += " (\(Markup.escape(note)))" }
                if !field.source.isEmpty { help += "<br>Source: \(Markup.escape(field.source))" }
                fields += fieldRow(
                    id: "f-" + field.path, name: VariantEditor.fieldPrefix + field.path,
                    label: field.label + (field.unit.isEmpty ? "" : " (\(field.unit))"),
                    value: outcome?.values[field.path] ?? field.currentText, help: help,
                    messages: messages[field.path] ?? [], boolean: field.range.kind == .boolean, escapedHelp: true)
            }
            fields += "</fieldset>"
        }
        body += """
            <form method="post" action="/edit" id="editor">\
            <input type="hidden" name="\(AccessGuard.csrfField)" value="\(Markup.escape(csrf))">\(fields)\
            <p><button type="submit" name="action" value="check" class="secondary" id="check">Check</button> \
            <button type="submit" name="action" value="save" id="save">Save variant</button></p></form>
            """
        return Markup.page(title: "Edit: " + (editor.base.scenario.name), body: body)
    }

    /// One labelled field with its help and its messages (an `aria-describedby` ties them).
    static func fieldRow(
        id: String, name: String, label: String, value: String, help: String, messages: [String],
        boolean: Bool = false, escapedHelp: Bool = false
    ) -> String {
        let invalid = messages.isEmpty ? "" : " aria-invalid=\"true\""
        let described = "aria-describedby=\"\(Markup.escape(id))-help \(Markup.escape(id))-message\""
        let input: String
        if boolean {
            let options = ["true", "false"].map {
                "<option\($0 == value ? " selected" : "")>\($0)</option>"
            }.joined()
            input =
                "<select id=\"\(Markup.escape(id))\" name=\"\(Markup.escape(name))\" \(described)\(invalid)>\(options)</select>"
        } else {
            input =
                "<input type=\"text\" inputmode=\"decimal\" id=\"\(Markup.escape(id))\" name=\"\(Markup.escape(name))\" value=\"\(Markup.escape(value))\" \(described)\(invalid)>"
        }
        let text = messages.map { "<div class=\"problem\">\(Markup.escape($0))</div>" }.joined()
        return """
            <div class="field"><label for="\(Markup.escape(id))">\(Markup.escape(label))</label>\(input)\
            <div class="help" id="\(Markup.escape(id))-help">\(escapedHelp ? help : Markup.escape(help))</div>\
            <div class="message" id="\(Markup.escape(id))-message" role="alert">\(text)</div></div>
            """
    }
}

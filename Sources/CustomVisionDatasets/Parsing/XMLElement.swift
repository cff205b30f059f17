import Foundation

/// An element of a parsed XML document: name, attributes, child elements and its own text.
struct XMLElement: Sendable, Hashable {
    var name: String
    var attributes: [String: String] = [:]
    var children: [XMLElement] = []
    /// The element's direct text (children's text excluded), entities decoded. Runs of whitespace alone between
    /// tags (indentation) are left out; every reader trims the text anyway.
    var text: String = ""
    /// The 1-based line of the start tag.
    var line: Int

    /// The first child named `name`.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// Every child named `name`.
    func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The trimmed text of the first child named `name`.
    func text(of name: String) -> String? {
        child(name).map { $0.text.trimmingWhitespaceAndNewlines() }
    }
}

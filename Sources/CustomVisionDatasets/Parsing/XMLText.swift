/// Text for XML documents the package writes (VOC annotations, cvctl's JUnit reports).
package enum XMLText {
    /// `text` with XML's five special characters escaped, and the characters XML 1.0 cannot hold (control
    /// characters other than tab, line feed and carriage return) dropped: a tag named with one would otherwise
    /// make a file no XML reader opens.
    package static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default: if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

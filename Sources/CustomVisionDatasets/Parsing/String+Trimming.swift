import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, without Foundation when the text, once stripped of ASCII
    /// white space at both ends, starts and ends with an ASCII character (which cannot be white space or a newline
    /// of the set, so trimming stops there). Other text is trimmed by Foundation.
    func trimmingWhitespaceAndNewlines() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !Self.isASCIISpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !Self.isASCIISpace($0) }) ?? first
        guard utf8[first] < 0x80, utf8[last] < 0x80 else { return trimmingCharacters(in: .whitespacesAndNewlines) }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return self }
        return String(self[first...last])
    }

    /// Tab, line feed, vertical tab, form feed, carriage return, space: the ASCII members of
    /// `CharacterSet.whitespacesAndNewlines`.
    private static func isASCIISpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

    /// The lines of a text file, whatever its line endings: `\n`, Windows' `\r\n` (a single Character in Swift, so
    /// splitting on `"\n"` alone keeps such a file one line) or a lone `\r`. Empty lines are kept, so line `i` of
    /// the file is element `i - 1`.
    func textLines() -> [Substring] {
        split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
    }
}

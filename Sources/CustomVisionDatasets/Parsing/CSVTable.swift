import Foundation

/// A parsed CSV file (RFC 4180: commas, double-quoted fields with `""` escapes, CRLF or LF line ends).
struct CSVTable: Sendable, Hashable {
    /// One record with the 1-based line it starts on.
    struct Row: Sendable, Hashable {
        var fields: [String]
        var line: Int
    }

    var rows: [Row]

    /// Parses `text`; blank lines are skipped.
    /// - Throws: `.malformed` naming the line of an unterminated quote or a stray quote inside a plain field.
    static func parse(_ text: String, file: String) throws -> CSVTable {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1
        var rowLine = 1
        var quoteLine = 1
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func fail(_ message: String) -> DatasetError {
            DatasetError(.malformed, "CSV: \(message)", at: DatasetLocation(file: file, line: line))
        }
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) {
                rows.append(Row(fields: fields, line: rowLine))
            }
            fields = []
            field = ""
            fieldWasQuoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" {
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                        pending = next
                        if let n = next, n != ",", n != "\n", n != "\r" {
                            throw fail("unexpected character after a closing quote")
                        }
                    }
                } else {
                    field.unicodeScalars.append(c)
                    if c == "\n" {
                        line += 1
                    } else if c == "\r" {
                        // A lone CR (old Mac line ends) is a line too; CRLF counts once, at its LF.
                        pending = iterator.next()
                        if pending != "\n" { line += 1 }
                    }
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                fieldWasQuoted = false
            case "\"":
                guard field.isEmpty else { throw fail("a quote inside an unquoted field") }
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case "\r", "\n":
                // LF, CRLF or a lone CR (as Excel for Mac writes) ends the row.
                if c == "\r" {
                    pending = iterator.next()
                    if pending == "\n" { pending = nil }
                }
                endRow()
                line += 1
                rowLine = line
            default:
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes {
            throw DatasetError(
                .malformed, "CSV: quoted field never closed", at: DatasetLocation(file: file, line: quoteLine))
        }
        endRow()
        return CSVTable(rows: rows)
    }

    /// Quotes a field when it holds a comma, quote or line break.
    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

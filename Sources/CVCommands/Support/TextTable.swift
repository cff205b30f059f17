/// A plain-text table with aligned columns, for `--output table`.
public struct TextTable: Sendable, Hashable {
    /// Column titles.
    public var headers: [String]
    /// Rows of cells; short rows are padded with empty cells.
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    /// Adds a row.
    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table as lines of text: headers, a rule, then the rows. Numbers are right-aligned.
    public func render() -> String {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        func cell(_ row: [String], _ i: Int) -> String { i < row.count ? row[i] : "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in [headers] + rows {
            for i in 0..<columns { widths[i] = max(widths[i], cell(row, i).count) }
        }
        func line(_ row: [String]) -> String {
            (0..<columns).map { i in
                let text = cell(row, i)
                let pad = String(repeating: " ", count: widths[i] - text.count)
                return Self.isNumeric(text) ? pad + text : text + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    private static func isNumeric(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == "%" }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

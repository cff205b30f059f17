import Foundation

extension VerificationReport {
    /// The report as a human-readable table: totals, per-tag counts, box-size spread, then the findings.
    public func renderTable() -> String {
        var out =
            "images \(summary.imageCount)  regions \(summary.regionCount)  tags \(summary.tags.count)  "
            + "unlabeled \(summary.unlabeledImageCount)  errors \(summary.errorCount)  "
            + "warnings \(summary.warningCount)  (\(summary.projectType.rawValue))\n"
        if !summary.tags.isEmpty {
            let width = max(3, summary.tags.map(\.tag.count).max() ?? 0)
            out += "\n" + pad("tag", width) + "  " + left("images", 7) + "  " + left("regions", 7) + "\n"
            for tag in summary.tags {
                out +=
                    pad(tag.tag, width) + "  " + left(String(tag.images), 7) + "  " + left(String(tag.regions), 7)
                    + "\n"
            }
        }
        let spreads = [
            ("box width", summary.boxWidth), ("box height", summary.boxHeight), ("box area", summary.boxArea),
        ]
        if spreads.contains(where: { $0.1 != nil }) {
            out +=
                "\n" + pad("(fraction of image)", 19) + "  " + left("min", 8) + "  " + left("median", 8) + "  "
                + left("max", 8) + "\n"
            for (name, spread) in spreads {
                guard let spread else { continue }
                out +=
                    pad(name, 19) + "  "
                    + [spread.min, spread.median, spread.max]
                    .map { left(String(format: "%.4f", $0), 8) }.joined(separator: "  ") + "\n"
            }
        }
        if !findings.isEmpty {
            out += "\n"
            for finding in findings { out += "\(finding)\n" }
        }
        return out
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func left(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

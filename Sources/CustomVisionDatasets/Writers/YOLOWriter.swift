import CustomVisionCore
import Foundation

/// Writes YOLO: `data.yaml` (class names), `images/` and `labels/<stem>.txt` (`class cx cy w h`, normalized).
/// When images carry splits they go to `images/<split>/` and `labels/<split>/` (unsplit ones to `train`).
enum YOLOWriter {
    static func write(_ dataset: Dataset, into output: inout OutputFolder) throws {
        let tags = dataset.allTags
        let classIndex = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })
        let splits = dataset.images.map { safeSplit($0.split) }
        let used = Set(splits.compactMap { $0 })
        let subfolder = { (index: Int) in used.isEmpty ? "" : "/" + (splits[index] ?? "train") }
        let train = used.isEmpty ? "images" : "images/train"
        let val = used.contains("val") ? "images/val" : train
        var yaml = "# written by swift-custom-vision\npath: .\ntrain: \(train)\nval: \(val)\n"
        if used.contains("test") { yaml += "test: images/test\n" }
        yaml += "nc: \(tags.count)\nnames:\n"
        for tag in tags { yaml += "  - \(quoted(tag))\n" }
        try output.writeText(yaml, to: "data.yaml")
        for (index, image) in dataset.images.enumerated() {
            if !image.tags.isEmpty { output.warnDropped("whole-image tags", image, format: "YOLO") }
            var lines = ""
            for region in image.regions {
                let box = region.box
                let values = [box.left + box.width / 2, box.top + box.height / 2, box.width, box.height]
                lines += "\(classIndex[region.tag]!) " + values.map { "\($0)" }.joined(separator: " ") + "\n"
            }
            let stem = URL(fileURLWithPath: output.imageNames[index]).deletingPathExtension().lastPathComponent
            try output.writeText(lines, to: "labels\(subfolder(index))/\(stem).txt")
            try output.exportImage(image, index: index, subfolder: "images\(subfolder(index))")
        }
    }

    /// `train`, `val` or `test` when the split is one of them (a safe folder name), else nil.
    private static func safeSplit(_ split: String?) -> String? {
        guard let split = split?.lowercased() else { return nil }
        return ["train", "val", "test"].contains(split) ? split : nil
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

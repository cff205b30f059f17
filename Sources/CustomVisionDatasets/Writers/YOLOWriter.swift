import CustomVisionCore
import Foundation

/// Writes YOLO: `data.yaml` (class names), `images/` and `labels/<stem>.txt` (`class cx cy w h`, normalized).
enum YOLOWriter {
    static func write(_ dataset: Dataset, into output: inout OutputFolder) throws {
        let tags = dataset.allTags
        let classIndex = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })
        var yaml = "# written by swift-custom-vision\npath: .\ntrain: images\nval: images\nnc: \(tags.count)\nnames:\n"
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
            try output.writeText(lines, to: "labels/\(stem).txt")
            try output.exportImage(image, index: index, subfolder: "images")
        }
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

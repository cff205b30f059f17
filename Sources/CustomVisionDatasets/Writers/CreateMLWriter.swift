import CustomVisionCore
import Foundation

/// Writes Create ML object-detection JSON: `annotations.json`, one object per image with its boxes as pixel centre
/// and size, and the images beside it, where Create ML looks for them.
enum CreateMLWriter {
    static func write(_ dataset: Dataset, into output: inout OutputFolder) throws {
        var entries: [[String: Any]] = []
        for (index, image) in dataset.images.enumerated() {
            if !image.tags.isEmpty { output.warnDropped("whole-image tags", image, format: "Create ML") }
            let annotations: [[String: Any]] = image.regions.map { region in
                let rect = region.box.pixelRect(imageWidth: image.width, imageHeight: image.height)
                let coordinates = [
                    "x": rect.x + rect.width / 2, "y": rect.y + rect.height / 2, "width": rect.width,
                    "height": rect.height,
                ]
                return ["label": region.tag, "coordinates": coordinates]
            }
            entries.append(["image": output.imageNames[index], "annotations": annotations])
            try output.exportImage(image, index: index, subfolder: ".")
        }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
        try output.writeText(String(decoding: data, as: UTF8.self) + "\n", to: "annotations.json")
    }
}

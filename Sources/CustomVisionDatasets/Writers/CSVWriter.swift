import CustomVisionCore
import Foundation

/// Writes CSV (`annotations.csv`: TensorFlow object-detection CSV when the dataset has regions, else
/// `filename,tags…` classification) and the manifest (`manifest.jsonl`), with the images in `images/`.
enum CSVWriter {
    static func write(_ dataset: Dataset, into output: inout OutputFolder) throws {
        var text: String
        if dataset.hasRegions {
            text = CSVReader.detectionColumns.joined(separator: ",") + "\n"
            for (index, image) in dataset.images.enumerated() {
                if !image.tags.isEmpty { output.warnDropped("whole-image tags", image, format: "detection CSV") }
                let file = CSVTable.escape("images/" + output.imageNames[index])
                let prefix = "\(file),\(image.width),\(image.height),"
                if image.regions.isEmpty { text += prefix + ",,,,\n" }
                for region in image.regions {
                    let rect = region.box.pixelRect(imageWidth: image.width, imageHeight: image.height)
                    let corners = [rect.x, rect.y, rect.maxX, rect.maxY].map(OutputFolder.number)
                    text += prefix + CSVTable.escape(region.tag) + "," + corners.joined(separator: ",") + "\n"
                }
                try output.exportImage(image, index: index, subfolder: "images")
            }
        } else {
            text = "filename,tags\n"
            for (index, image) in dataset.images.enumerated() {
                let fields = ["images/" + output.imageNames[index]] + image.tags
                text += fields.map(CSVTable.escape).joined(separator: ",") + "\n"
                try output.exportImage(image, index: index, subfolder: "images")
            }
        }
        try output.writeText(text, to: "annotations.csv")
    }

    static func writeManifest(_ dataset: Dataset, into output: inout OutputFolder) throws {
        var text = ""
        for (index, image) in dataset.images.enumerated() {
            if !image.regions.isEmpty { output.warnDropped("regions", image, format: "the manifest") }
            let object: [String: Any] = ["file": "images/" + output.imageNames[index], "tags": image.tags]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            text += String(decoding: data, as: UTF8.self) + "\n"
            try output.exportImage(image, index: index, subfolder: "images")
        }
        try output.writeText(text, to: "manifest.jsonl")
    }
}

import CustomVisionCore
import Foundation

/// Writes Pascal VOC: `Annotations/<stem>.xml` per image and the images in `JPEGImages/`.
enum VOCWriter {
    static func write(_ dataset: Dataset, into output: inout OutputFolder) throws {
        for (index, image) in dataset.images.enumerated() {
            let name = output.imageNames[index]
            if !image.tags.isEmpty { output.warnDropped("whole-image tags", image, format: "VOC") }
            var xml = "<annotation>\n"
            xml += "  <folder>JPEGImages</folder>\n"
            xml += "  <filename>\(XMLText.escape(name))</filename>\n"
            xml += "  <size>\n    <width>\(image.width)</width>\n    <height>\(image.height)</height>\n"
            xml += "    <depth>3</depth>\n  </size>\n  <segmented>0</segmented>\n"
            for region in image.regions {
                let rect = region.box.pixelRect(imageWidth: image.width, imageHeight: image.height)
                xml += "  <object>\n    <name>\(XMLText.escape(region.tag))</name>\n    <pose>Unspecified</pose>\n"
                xml += "    <truncated>\(region.truncated ? 1 : 0)</truncated>\n"
                xml += "    <difficult>\(region.difficult ? 1 : 0)</difficult>\n    <bndbox>\n"
                xml += "      <xmin>\(OutputFolder.number(rect.x))</xmin>\n"
                xml += "      <ymin>\(OutputFolder.number(rect.y))</ymin>\n"
                xml += "      <xmax>\(OutputFolder.number(rect.maxX))</xmax>\n"
                xml += "      <ymax>\(OutputFolder.number(rect.maxY))</ymax>\n"
                xml += "    </bndbox>\n  </object>\n"
            }
            xml += "</annotation>\n"
            let stem = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
            try output.writeText(xml, to: "Annotations/\(stem).xml")
            try output.exportImage(image, index: index, subfolder: "JPEGImages")
        }
    }
}

import CustomVisionCore
import Foundation

/// Writes COCO `annotations.json` (pixel or normalized boxes) and the images in `images/`. Categories get ids
/// 1…n in the dataset's tag order; whole-image tags become annotations without a `bbox`.
enum COCOWriter {
    static func write(_ dataset: Dataset, normalized: Bool, into output: inout OutputFolder) throws {
        let tags = dataset.allTags
        let categoryID = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0 + 1) })
        var images: [[String: Any]] = []
        var annotations: [[String: Any]] = []
        for (index, image) in dataset.images.enumerated() {
            let id = index + 1
            images.append([
                "id": id, "file_name": "images/" + output.imageNames[index], "width": image.width,
                "height": image.height,
            ])
            for tag in image.tags {
                annotations.append(["id": annotations.count + 1, "image_id": id, "category_id": categoryID[tag]!])
            }
            for region in image.regions {
                let bbox: [Double]
                let area: Double
                if normalized {
                    bbox = [region.box.left, region.box.top, region.box.width, region.box.height]
                    area = region.box.width * region.box.height
                } else {
                    let rect = region.box.pixelRect(imageWidth: image.width, imageHeight: image.height)
                    bbox = [rect.x, rect.y, rect.width, rect.height]
                    area = rect.width * rect.height
                }
                annotations.append([
                    "id": annotations.count + 1, "image_id": id, "category_id": categoryID[region.tag]!,
                    "bbox": bbox, "area": area, "iscrowd": region.isCrowd ? 1 : 0,
                ])
            }
            try output.exportImage(image, index: index, subfolder: "images")
        }
        let categories: [[String: Any]] = tags.enumerated().map { ["id": $0 + 1, "name": $1, "supercategory": "none"] }
        let document: [String: Any] = [
            "info": ["description": "written by swift-custom-vision"], "images": images,
            "annotations": annotations, "categories": categories,
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try output.writeText(String(decoding: data, as: UTF8.self) + "\n", to: "annotations.json")
    }
}

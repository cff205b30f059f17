import CustomVisionCore
import Foundation
import ImagePrep

/// Where the image the service saw sits on the file: predictions come back normalized to the sent image, and
/// `cvctl` reports and draws them on the file as it appears upright (its EXIF orientation applied).
///
/// With preparation the sent image is the upright file resized to the layout of `--mode` (stretch keeps the
/// normalized box, fit letterboxes it); without, the file itself is sent and the service turns it upright too.
struct PredictionGeometry: Sendable, Hashable {
    /// The layout the preparation resized the upright file to, or `nil` when the file was sent unchanged.
    var layout: ResizeLayout?

    /// The geometry of a prepared image.
    init(prepared: PreparedImage, options: PrepOptions) {
        let source = prepared.source
        let (w, h) = options.applyOrientation ? source.orientedSize : (source.width, source.height)
        layout = options.mode.layout(sourceWidth: w, sourceHeight: h)
    }

    /// The geometry of a file sent unchanged.
    init() { layout = nil }

    /// `box`, normalized to the sent image, normalized to the upright file instead (padding clipped off).
    func box(onFile box: BoundingBox) -> BoundingBox {
        guard let layout else { return box }
        let cw = Double(layout.contentWidth), ch = Double(layout.contentHeight)
        let unpadded = BoundingBox(
            left: (box.left * Double(layout.canvasWidth) - Double(layout.contentX)) / cw,
            top: (box.top * Double(layout.canvasHeight) - Double(layout.contentY)) / ch,
            width: box.width * Double(layout.canvasWidth) / cw, height: box.height * Double(layout.canvasHeight) / ch)
        return unpadded.clamped()
    }

    /// `prediction` with its boxes moved onto the upright file.
    func onFile(_ prediction: ImagePrediction) -> ImagePrediction {
        guard layout != nil else { return prediction }
        var moved = prediction
        moved.predictions = prediction.predictions?.map { p in
            var p = p
            p.boundingBox = p.boundingBox.map { box(onFile: $0) }
            return p
        }
        return moved
    }
}

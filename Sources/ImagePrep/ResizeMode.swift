import CustomVisionCore

/// How an image is fitted to the target size.
public enum ResizeMode: Sendable, Hashable {
    /// Exactly `width` × `height`, aspect ratio not kept (the NEU-DET walkthrough's 256×256).
    case stretch(width: Int, height: Int)
    /// Scaled to fit inside `width` × `height` keeping the aspect ratio, centred and padded to exactly that size.
    case fit(width: Int, height: Int)
    /// Scaled so the longer side is at most `n` pixels, keeping the aspect ratio; never enlarged, no padding.
    case maxSide(Int)

    /// Where a `sourceWidth` × `sourceHeight` image lands on the output canvas.
    public func layout(sourceWidth w: Int, sourceHeight h: Int) -> ResizeLayout {
        switch self {
        case .stretch(let width, let height):
            return ResizeLayout(canvasWidth: width, canvasHeight: height, contentX: 0, contentY: 0,
                contentWidth: width, contentHeight: height)
        case .fit(let width, let height):
            let s = min(Double(width) / Double(w), Double(height) / Double(h))
            let cw = min(max(Int((Double(w) * s).rounded()), 1), width)
            let ch = min(max(Int((Double(h) * s).rounded()), 1), height)
            return ResizeLayout(canvasWidth: width, canvasHeight: height, contentX: (width - cw) / 2,
                contentY: (height - ch) / 2, contentWidth: cw, contentHeight: ch)
        case .maxSide(let n):
            let s = min(Double(n) / Double(max(w, h)), 1)
            let cw = max(Int((Double(w) * s).rounded()), 1)
            let ch = max(Int((Double(h) * s).rounded()), 1)
            return ResizeLayout(canvasWidth: cw, canvasHeight: ch, contentX: 0, contentY: 0, contentWidth: cw,
                contentHeight: ch)
        }
    }

    /// True when every size in the mode is positive.
    public var isValid: Bool {
        switch self {
        case .stretch(let w, let h), .fit(let w, let h): w > 0 && h > 0
        case .maxSide(let n): n > 0
        }
    }
}

/// The output canvas and the rectangle on it that the resized image covers (the rest is padding).
public struct ResizeLayout: Sendable, Hashable {
    /// Output width.
    public var canvasWidth: Int
    /// Output height.
    public var canvasHeight: Int
    /// Left edge of the image on the canvas.
    public var contentX: Int
    /// Top edge of the image on the canvas.
    public var contentY: Int
    /// Width of the resized image.
    public var contentWidth: Int
    /// Height of the resized image.
    public var contentHeight: Int

    /// Creates a layout.
    public init(
        canvasWidth: Int, canvasHeight: Int, contentX: Int, contentY: Int, contentWidth: Int, contentHeight: Int
    ) {
        self.canvasWidth = canvasWidth
        self.canvasHeight = canvasHeight
        self.contentX = contentX
        self.contentY = contentY
        self.contentWidth = contentWidth
        self.contentHeight = contentHeight
    }

    /// Maps a box normalized to the source image to the same region normalized to the canvas (letterbox offset
    /// and scale applied; the identity for `stretch` and `maxSide`).
    public func transform(_ box: BoundingBox) -> BoundingBox {
        let sx = Double(contentWidth) / Double(canvasWidth)
        let sy = Double(contentHeight) / Double(canvasHeight)
        return BoundingBox(
            left: (Double(contentX) + box.left * Double(contentWidth)) / Double(canvasWidth),
            top: (Double(contentY) + box.top * Double(contentHeight)) / Double(canvasHeight),
            width: box.width * sx, height: box.height * sy)
    }
}

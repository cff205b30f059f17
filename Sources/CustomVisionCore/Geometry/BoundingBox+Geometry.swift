/// Box geometry as pure functions. Custom Vision boxes are normalized: `left`, `top`, `width` and `height` are
/// fractions (0...1) of the image's width and height.
extension BoundingBox {
    /// Converts a pixel rectangle on an image of `imageWidth` × `imageHeight` pixels to a normalized box.
    public init(pixels rect: PixelRect, imageWidth: Int, imageHeight: Int) {
        let w = Double(max(imageWidth, 1))
        let h = Double(max(imageHeight, 1))
        self.init(left: rect.x / w, top: rect.y / h, width: rect.width / w, height: rect.height / h)
    }

    /// The box in pixels on an image of `imageWidth` × `imageHeight` pixels.
    public func pixelRect(imageWidth: Int, imageHeight: Int) -> PixelRect {
        let w = Double(imageWidth)
        let h = Double(imageHeight)
        return PixelRect(x: left * w, y: top * h, width: width * w, height: height * h)
    }

    /// The right edge, `left + width`.
    public var right: Double { left + width }
    /// The bottom edge, `top + height`.
    public var bottom: Double { top + height }

    /// The area as a fraction of the image, zero for an empty or inverted box.
    public var area: Double { width > 0 && height > 0 ? width * height : 0 }

    /// True when the box has no area.
    public var isDegenerate: Bool { !(width > 0 && height > 0) }

    /// The box clipped to the unit square (the image). The result may be degenerate: check `isDegenerate`.
    public func clamped() -> BoundingBox {
        let l = min(max(left, 0), 1)
        let t = min(max(top, 0), 1)
        let r = min(max(right, 0), 1)
        let b = min(max(bottom, 0), 1)
        return BoundingBox(left: l, top: t, width: max(r - l, 0), height: max(b - t, 0))
    }

    /// True when the box lies inside the image, within `tolerance`.
    public func isInsideImage(tolerance: Double = 1e-9) -> Bool {
        left >= -tolerance && top >= -tolerance && right <= 1 + tolerance && bottom <= 1 + tolerance
    }

    /// The area of the overlap of two boxes.
    public func intersectionArea(with other: BoundingBox) -> Double {
        let w = min(right, other.right) - max(left, other.left)
        let h = min(bottom, other.bottom) - max(top, other.top)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// Intersection over union, in 0...1; zero when either box is empty.
    public func iou(_ other: BoundingBox) -> Double {
        let inter = intersectionArea(with: other)
        guard inter > 0 else { return 0 }
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }
}

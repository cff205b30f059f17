/// An axis-aligned rectangle in pixels: `x`, `y` of the top-left corner, `width`, `height`.
public struct PixelRect: Hashable, Sendable, Codable {
    /// The left edge, in pixels from the image's left.
    public var x: Double
    /// The top edge, in pixels from the image's top.
    public var y: Double
    /// The width in pixels.
    public var width: Double
    /// The height in pixels.
    public var height: Double

    /// Creates a rectangle from its top-left corner and size.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Creates a rectangle from two corners (`xmin`, `ymin`) – (`xmax`, `ymax`).
    public init(xmin: Double, ymin: Double, xmax: Double, ymax: Double) {
        self.init(x: xmin, y: ymin, width: xmax - xmin, height: ymax - ymin)
    }

    /// The right edge.
    public var maxX: Double { x + width }
    /// The bottom edge.
    public var maxY: Double { y + height }
    /// Width × height, zero for an empty or inverted rectangle.
    public var area: Double { width > 0 && height > 0 ? width * height : 0 }
}

/// An 8-bit RGB image in memory: `height` rows of `width` pixels, each 3 bytes (R, G, B), no padding.
public struct RGBImage: Hashable, Sendable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `width * height * 3` bytes, row-major, top row first.
    public var pixels: [UInt8]

    /// Wraps pixels; `pixels.count` must be `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3, "RGBImage: size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A `width` × `height` image filled with one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        var p = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: p.count, by: 3) {
            p[i] = fill.0
            p[i + 1] = fill.1
            p[i + 2] = fill.2
        }
        self.init(width: width, height: height, pixels: p)
    }
}

/// An 8-bit sRGB colour, used as the background behind transparent pixels and as the padding of `fit` resizes.
public struct RGBColor: Sendable, Hashable {
    /// Red, 0–255.
    public var red: UInt8
    /// Green, 0–255.
    public var green: UInt8
    /// Blue, 0–255.
    public var blue: UInt8

    /// Creates a colour.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// White (255, 255, 255).
    public static let white = RGBColor(red: 255, green: 255, blue: 255)
    /// Black (0, 0, 0).
    public static let black = RGBColor(red: 0, green: 0, blue: 0)
}

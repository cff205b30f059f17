import CustomVisionCore
import ImagePrep

/// Draws labelled boxes on an ``RGBImage``: rectangle outlines and a filled label bar with 5×7 text.
public struct BoxDrawer: Sendable {
    /// One thing to draw: a normalized box (or `nil` for an image-level label) and its caption.
    public struct Label: Sendable, Hashable {
        public var box: BoundingBox?
        public var text: String
        public init(box: BoundingBox?, text: String) {
            self.box = box
            self.text = text
        }
    }

    /// Outline thickness in pixels (scaled up on large images).
    public var thickness: Int
    /// The palette; label `i` uses colour `i % count` (by tag, when the caller groups them).
    public var palette: [(UInt8, UInt8, UInt8)]

    public init(thickness: Int = 2) {
        self.thickness = thickness
        self.palette = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
                        (145, 30, 180), (70, 240, 240), (240, 50, 230)]
    }

    /// Returns `image` with `labels` drawn; `colorIndex` picks each label's palette entry.
    public func draw(_ labels: [Label], on image: RGBImage, colorIndex: (Label) -> Int) -> RGBImage {
        var canvas = image
        let scale = max(1, min(image.width, image.height) / 400)
        let t = thickness * scale
        var imageLabelRow = 0
        for label in labels {
            let color = palette[abs(colorIndex(label)) % palette.count]
            if let box = label.box {
                let x0 = clamp(Int((box.left * Double(image.width)).rounded()), image.width - 1)
                let y0 = clamp(Int((box.top * Double(image.height)).rounded()), image.height - 1)
                let x1 = clamp(Int(((box.left + box.width) * Double(image.width)).rounded()) - 1, image.width - 1)
                let y1 = clamp(Int(((box.top + box.height) * Double(image.height)).rounded()) - 1, image.height - 1)
                guard x1 >= x0, y1 >= y0 else { continue }
                fill(&canvas, x0, y0, x1, min(y1, y0 + t - 1), color)
                fill(&canvas, x0, max(y0, y1 - t + 1), x1, y1, color)
                fill(&canvas, x0, y0, min(x1, x0 + t - 1), y1, color)
                fill(&canvas, max(x0, x1 - t + 1), y0, x1, y1, color)
                let textHeight = (BitmapFont.height + 2) * scale
                let textY = y0 - textHeight >= 0 ? y0 - textHeight : y0
                text(&canvas, label.text, x: x0, y: textY, scale: scale, color: color)
            } else {
                let y = imageLabelRow * (BitmapFont.height + 3) * scale
                text(&canvas, label.text, x: 0, y: y, scale: scale, color: color)
                imageLabelRow += 1
            }
        }
        return canvas
    }

    private func clamp(_ v: Int, _ upper: Int) -> Int { min(max(v, 0), max(upper, 0)) }

    func fill(_ image: inout RGBImage, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int,
                      _ color: (UInt8, UInt8, UInt8)) {
        let xa = max(0, x0), xb = min(image.width - 1, x1), ya = max(0, y0), yb = min(image.height - 1, y1)
        guard xa <= xb, ya <= yb else { return }
        for y in ya...yb {
            var i = (y * image.width + xa) * 3
            for _ in xa...xb {
                image.pixels[i] = color.0
                image.pixels[i + 1] = color.1
                image.pixels[i + 2] = color.2
                i += 3
            }
        }
    }

    /// A caption: a bar in `color` with black text, clipped to the image.
    func text(_ image: inout RGBImage, _ string: String, x: Int, y: Int, scale: Int,
                      color: (UInt8, UInt8, UInt8)) {
        let characters = Array(string)
        let width = (characters.count * (BitmapFont.width + 1) + 1) * scale
        fill(&image, x, y, x + width - 1, y + (BitmapFont.height + 2) * scale - 1, color)
        for (n, character) in characters.enumerated() {
            let rows = BitmapFont.glyph(character)
            let gx = x + (1 + n * (BitmapFont.width + 1)) * scale
            for (row, bits) in rows.enumerated() {
                for column in 0..<BitmapFont.width where bits & (0x10 >> UInt8(column)) != 0 {
                    let px = gx + column * scale
                    let py = y + (1 + row) * scale
                    fill(&image, px, py, px + scale - 1, py + scale - 1, (0, 0, 0))
                }
            }
        }
    }
}

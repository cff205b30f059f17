import CustomVisionCore

/// The EXIF orientation of a stored image (tag 0x0112): how the stored pixels must be turned to appear upright.
///
/// Raw values 1–8 as in the EXIF specification. Applying the orientation maps the stored image to the upright one;
/// for `.transpose`, `.rotate90CW`, `.transverse` and `.rotate90CCW` width and height swap.
public enum ImageOrientation: Int, Sendable, Hashable, CaseIterable {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left–right.
    case mirrored = 2
    /// 3: upside down (rotate 180°).
    case down = 3
    /// 4: mirrored top–bottom.
    case downMirrored = 4
    /// 5: transposed (mirror across the main diagonal).
    case transpose = 5
    /// 6: rotate 90° clockwise to display.
    case rotate90CW = 6
    /// 7: transverse (mirror across the anti-diagonal).
    case transverse = 7
    /// 8: rotate 90° counter-clockwise to display.
    case rotate90CCW = 8

    /// The EXIF orientation of the image file `bytes`, read from its header alone (no copy, no decoder): what
    /// `ImageHeader.read(_:)` gives for a readable JPEG (APP1) or PNG (`eXIf` before the image data), and `.up` for
    /// other formats, a file without EXIF orientation, or bytes that are no image.
    public static func stored(in bytes: UnsafeRawBufferPointer) -> ImageOrientation {
        ExifReader.orientation(bytes.bindMemory(to: UInt8.self))
    }

    /// True when applying the orientation swaps width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// The upright size of a stored `width` × `height` image.
    public func orientedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        swapsDimensions ? (height, width) : (width, height)
    }

    /// The orientation that undoes this one: its `transform` maps a box on the upright image back to the stored one.
    public var inverse: ImageOrientation {
        switch self {
        case .rotate90CW: .rotate90CCW
        case .rotate90CCW: .rotate90CW
        default: self  // the others are their own inverse
        }
    }

    /// Maps a normalized box on the stored image to the same region on the upright image.
    public func transform(_ box: BoundingBox) -> BoundingBox {
        let (l, t, w, h) = (box.left, box.top, box.width, box.height)
        switch self {
        case .up: return box
        case .mirrored: return BoundingBox(left: 1 - l - w, top: t, width: w, height: h)
        case .down: return BoundingBox(left: 1 - l - w, top: 1 - t - h, width: w, height: h)
        case .downMirrored: return BoundingBox(left: l, top: 1 - t - h, width: w, height: h)
        case .transpose: return BoundingBox(left: t, top: l, width: h, height: w)
        case .rotate90CW: return BoundingBox(left: 1 - t - h, top: l, width: h, height: w)
        case .transverse: return BoundingBox(left: 1 - t - h, top: 1 - l - w, width: h, height: w)
        case .rotate90CCW: return BoundingBox(left: t, top: 1 - l - w, width: h, height: w)
        }
    }

    /// The upright image: `image` (the stored pixels) turned and/or mirrored.
    public func apply(to image: RGBImage) -> RGBImage {
        apply(to: PixelPlanes(image)).rgb
    }

    /// The upright pixels, for 1 or 3 channels.
    func apply(to image: PixelPlanes) -> PixelPlanes {
        if self == .up { return image }
        let channels = image.channels
        let (dw, dh) = orientedSize(width: image.width, height: image.height)
        var out = [UInt8](repeating: 0, count: dw * dh * channels)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                apply(PlaneView(base: s, width: image.width, height: image.height, stride: image.width * channels,
                    channels: channels),
                    into: MutablePlaneView(base: d, width: dw, height: dh, stride: dw * channels, channels: channels))
            }
        }
        return PixelPlanes(width: dw, height: dh, channels: channels, pixels: out)
    }

    /// Writes the upright `src` into `dst`, whose size must be `orientedSize` of `src`'s.
    func apply(_ src: PlaneView, into dst: MutablePlaneView) {
        let (sw, sh, channels) = (src.width, src.height, src.channels)
        precondition(orientedSize(width: sw, height: sh) == (dst.width, dst.height) && dst.channels == channels)
        // For each destination pixel (x, y) the source pixel is (sx, sy) = (ax + bx*x + cx*y, ay + by*x + cy*y).
        let (ax, bx, cx, ay, by, cy): (Int, Int, Int, Int, Int, Int) = switch self {
        case .up: (0, 1, 0, 0, 0, 1)
        case .mirrored: (sw - 1, -1, 0, 0, 0, 1)
        case .down: (sw - 1, -1, 0, sh - 1, 0, -1)
        case .downMirrored: (0, 1, 0, sh - 1, 0, -1)
        case .transpose: (0, 0, 1, 0, 1, 0)
        case .rotate90CW: (0, 0, 1, sh - 1, -1, 0)
        case .transverse: (sw - 1, 0, -1, sh - 1, -1, 0)
        case .rotate90CCW: (sw - 1, 0, -1, 0, 1, 0)
        }
        for y in 0..<dst.height {
            var sx = ax + cx * y
            var sy = ay + cy * y
            var d = dst.base + y * dst.stride
            for _ in 0..<dst.width {
                let s = src.base + sy * src.stride + sx * channels
                for c in 0..<channels { d[c] = s[c] }
                d += channels
                sx += bx
                sy += by
            }
        }
    }
}

/// Interleaved 8-bit pixels with 1 (gray) or 3 (RGB) channels: the decoder keeps grayscale JPEGs in one channel
/// through resizing (a third of the work) and expands them to RGB only at the end.
struct PixelPlanes: Sendable {
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3)
        precondition(pixels.count == width * height * channels)
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    init(_ image: RGBImage) {
        self.init(width: image.width, height: image.height, channels: 3, pixels: image.pixels)
    }

    /// The pixels as RGB (gray values copied into all three channels).
    var rgb: RGBImage {
        guard channels == 1 else { return RGBImage(width: width, height: height, pixels: pixels) }
        let n = width * height
        let out = [UInt8](unsafeUninitializedCapacity: n * 3) { buffer, count in
            pixels.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    let v = src[i]
                    buffer[3 * i] = v
                    buffer[3 * i + 1] = v
                    buffer[3 * i + 2] = v
                }
            }
            count = n * 3
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}

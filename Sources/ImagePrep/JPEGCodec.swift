import CTurboJPEG

/// JPEG through libjpeg-turbo's TurboJPEG 2.x API (no `tj3*`: the installed library is 2.1.5). Every handle is
/// created and destroyed in one scope; every return code is checked on the spot.
enum JPEGCodec {
    /// Decodes `bytes` (already known to be JPEG) to RGB, at a DCT scale when `options.minimumSize` allows.
    /// Returns the stored-orientation image and the header.
    static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions, plan: (ImageHeader) throws -> (Int, Int)?
    ) throws -> (PixelPlanes, ImageHeader) {
        guard let handle = tjInitDecompress() else { throw ImagePrepError(.corrupt, "cannot start libjpeg-turbo") }
        defer { tjDestroy(handle) }
        let info = try readHeader(handle, bytes, maxPixels: options.maxPixels)
        let (header, colorspace) = (info.header, info.colorspace)

        var options = options
        if let target = try plan(header) { options.minimumSize = target }
        let (outW, outH) = scaledSize(header, scale(header, options))
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let isGray = colorspace == Int32(TJCS_GRAY.rawValue)
        let channels = isCMYK ? 4 : (isGray ? 1 : 3)
        let format = isCMYK ? TJPF_CMYK : (isGray ? TJPF_GRAY : TJPF_RGB)
        var failure: ImagePrepError?
        var pixels = [UInt8](unsafeUninitializedCapacity: outW * outH * channels) { buffer, count in
            let rc = tjDecompress2(handle, bytes.baseAddress, UInt(bytes.count), buffer.baseAddress, Int32(outW), 0,
                Int32(outH), Int32(format.rawValue), TJFLAG_STOPONWARNING)
            if rc != 0 { failure = dataError(handle, bytes) }
            count = failure == nil ? outW * outH * channels : 0
        }
        if let failure { throw failure }
        if isCMYK { pixels = cmykToRGB(pixels) }
        return (PixelPlanes(width: outW, height: outH, channels: isCMYK ? 3 : channels, pixels: pixels), header)
    }

    /// What the frame header says: size, EXIF orientation, chroma subsampling (`TJSAMP_*`) and colour space
    /// (`TJCS_*`).
    struct HeaderInfo {
        var header: ImageHeader
        var subsampling: Int32
        var colorspace: Int32
    }

    /// Reads the header with `handle`, refusing images over `maxPixels` before any pixel memory is allocated.
    static func readHeader(
        _ handle: tjhandle, _ bytes: UnsafeBufferPointer<UInt8>, maxPixels: Int
    ) throws -> HeaderInfo {
        var width: Int32 = 0, height: Int32 = 0, subsamp: Int32 = 0, colorspace: Int32 = 0
        let rc = tjDecompressHeader3(handle, bytes.baseAddress, UInt(bytes.count), &width, &height, &subsamp,
            &colorspace)
        guard rc == 0, width > 0, height > 0 else {
            // ImageHeader.read classifies header failures (truncated vs corrupt) the same way.
            _ = try ImageHeader.read(Array(bytes))
            throw ImagePrepError(.corrupt, "JPEG header: \(String(cString: tjGetErrorStr2(handle)))")
        }
        let header = ImageHeader(format: .jpeg, width: Int(width), height: Int(height),
            orientation: ExifReader.jpegOrientation(bytes))
        guard header.pixelCount <= maxPixels else { throw tooManyPixels(header, maxPixels: maxPixels) }
        return HeaderInfo(header: header, subsampling: subsamp, colorspace: colorspace)
    }

    /// The smallest of 1/8, 1/4, 1/2 (else 1/1) leaving the upright image at least `options.minimumSize`; of the
    /// denominators `reductions` (largest first), which are by default those libjpeg-turbo offers.
    static func scale(
        _ header: ImageHeader, _ options: DecodeOptions, among reductions: [Int] = supportedReductions
    ) -> (Int, Int) {
        guard let target = options.minimumSize else { return (1, 1) }
        let (w, h) = header.orientedSize
        for denom in reductions
        where (w + denom - 1) / denom >= target.width && (h + denom - 1) / denom >= target.height {
            return (1, denom)
        }
        return (1, 1)
    }

    /// The stored size `header` decodes to at `scale` (num/denom), rounded up as libjpeg-turbo does.
    static func scaledSize(_ header: ImageHeader, _ scale: (Int, Int)) -> (width: Int, height: Int) {
        let (num, denom) = scale
        return ((header.width * num + denom - 1) / denom, (header.height * num + denom - 1) / denom)
    }

    static func tooManyPixels(_ header: ImageHeader, _ options: DecodeOptions) -> ImagePrepError {
        tooManyPixels(header, maxPixels: options.maxPixels)
    }

    static func tooManyPixels(_ header: ImageHeader, maxPixels: Int) -> ImagePrepError {
        ImagePrepError(.tooManyPixels, "\(header.format) declares \(header.width)×\(header.height) pixels, "
            + "over the limit of \(maxPixels)")
    }

    /// 8, 4, 2 — those of the power-of-two reductions the library reports in `tjGetScalingFactors` (all of them
    /// in every libjpeg-turbo release; checked rather than assumed). The M/8 factors in between are not used: they
    /// cost quality in the resize that follows.
    static let supportedReductions: [Int] = {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return [] }
        let available = (0..<Int(count)).map { (Int(factors[$0].num), Int(factors[$0].denom)) }
        return [8, 4, 2].filter { d in available.contains { $0.0 * d == $0.1 } }
    }()

    static func dataError(_ handle: tjhandle, _ bytes: UnsafeBufferPointer<UInt8>) -> ImagePrepError {
        let message = String(cString: tjGetErrorStr2(handle))
        let endsWithEOI = bytes.count >= 2 && bytes[bytes.count - 2] == 0xFF && bytes[bytes.count - 1] == 0xD9
        let truncated = message.contains("Premature end") || !endsWithEOI
        return ImagePrepError(truncated ? .truncated : .corrupt, "JPEG data: \(message)")
    }

    /// CMYK as libjpeg returns it for Adobe files (inverted: 255 = no ink) to RGB, as Pillow converts it.
    private static func cmykToRGB(_ cmyk: [UInt8]) -> [UInt8] {
        let n = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: n * 3) { out, count in
            cmyk.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    let k = Int(src[4 * i + 3])
                    for c in 0..<3 { out[3 * i + c] = UInt8((Int(src[4 * i + c]) * k + 127) / 255) }
                }
            }
            count = n * 3
        }
    }

    /// Encodes RGB pixels as a baseline JPEG with 4:2:0 chroma subsampling.
    static func encode(_ image: RGBImage, quality: Int) throws -> [UInt8] {
        guard let handle = tjInitCompress() else {
            throw ImagePrepError(.encodingFailed, "cannot start libjpeg-turbo")
        }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let rc = image.pixels.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                &output, &size, Int32(TJSAMP_420.rawValue), Int32(min(max(quality, 1), 100)), 0)
        }
        defer { if let output { tjFree(output) } }
        guard rc == 0, let output else {
            throw ImagePrepError(.encodingFailed, "JPEG encode: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}


import CVTestSupport
import ImagePrep
import Testing

/// GIFs are drawn a row at a time, like PNGs: reduced (as `DecodeOptions.minimumSize` allows) each pixel is the
/// rounded average of its block of the full-size decode, the frame's offset, transparency and interlacing included.
struct GIFReductionTests {
    @Test(arguments: ["plain.gif", "interlaced.gif", "transparent.gif", "photo-128x96.gif"], [2, 4, 8])
    func aReducedDecodeAveragesEachBlockOfTheFullDecode(file: String, factor: Int) throws {
        let bytes = try TestImages.bytes("images/gif-bmp/\(file)")
        let full = try ImageDecoder.decode(bytes)
        let size = ((full.width + factor - 1) / factor, (full.height + factor - 1) / factor)
        let options = DecodeOptions(minimumSize: size)
        let reduced = try ImageDecoder.decode(bytes, options: options)
        #expect(reduced.width == size.0 && reduced.height == size.1, "\(file) by \(factor)")
        #expect(ImageDecoder.decodedSize(try ImageHeader.read(bytes), options: options) == size)
        #expect(TestImages.maxDifference(reduced, PNGReductionTests.blockAverage(full, factor)) == 0,
                "\(file) by \(factor)")
    }
}

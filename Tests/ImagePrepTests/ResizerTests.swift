import CVTestSupport
import ImagePrep
import Testing

/// Resize modes: sizes, letterbox placement and padding, and the box transform that goes with them.
struct ResizerTests {
    static let photo = RGBImage(width: 400, height: 200, fill: (10, 200, 30))

    @Test func stretchGivesExactlyTheTargetSize() {
        let out = ImageResizer.resize(Self.photo, mode: .stretch(width: 256, height: 256))
        #expect(out.width == 256 && out.height == 256)
        #expect(TestImages.pixel(out, 128, 128) == (10, 200, 30))
    }

    @Test func fitKeepsTheAspectRatioAndPadsCentred() {
        let out = ImageResizer.resize(Self.photo, mode: .fit(width: 256, height: 256), padding: .black)
        #expect(out.width == 256 && out.height == 256)
        let layout = ResizeMode.fit(width: 256, height: 256).layout(sourceWidth: 400, sourceHeight: 200)
        #expect(layout == ResizeLayout(canvasWidth: 256, canvasHeight: 256, contentX: 0, contentY: 64,
            contentWidth: 256, contentHeight: 128))
        #expect(TestImages.pixel(out, 128, 10) == (0, 0, 0))
        #expect(TestImages.pixel(out, 128, 128) == (10, 200, 30))
        #expect(TestImages.pixel(out, 128, 245) == (0, 0, 0))
    }

    @Test func maxSideShrinksTheLongerSideAndNeverEnlarges() {
        let out = ImageResizer.resize(Self.photo, mode: .maxSide(100))
        #expect(out.width == 100 && out.height == 50)
        let same = ImageResizer.resize(Self.photo, mode: .maxSide(1000))
        #expect(same == Self.photo)
    }

    @Test func upscalingIsBilinear() {
        let image = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 200, 200, 200])
        let out = ImageResizer.resize(image, width: 4, height: 1)
        // Pixel centres at 0.25 and 0.75 of the source: edges clamp, the middle two interpolate.
        #expect(out.pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) == [0, 50, 150, 200])
    }

    @Test(arguments: [
        (ResizeMode.stretch(width: 256, height: 256), BoundingBox(left: 0.25, top: 0.5, width: 0.5, height: 0.25)),
        (.fit(width: 256, height: 256), BoundingBox(left: 0.25, top: 0.5 * 0.5 + 0.25, width: 0.5, height: 0.125)),
        (.maxSide(100), BoundingBox(left: 0.25, top: 0.5, width: 0.5, height: 0.25)),
    ])
    func boxesFollowTheLayout(mode: ResizeMode, expected: BoundingBox) {
        let layout = mode.layout(sourceWidth: 400, sourceHeight: 200)
        let moved = layout.transform(BoundingBox(left: 0.25, top: 0.5, width: 0.5, height: 0.25))
        #expect(abs(moved.left - expected.left) < 1e-9 && abs(moved.top - expected.top) < 1e-9)
        #expect(abs(moved.width - expected.width) < 1e-9 && abs(moved.height - expected.height) < 1e-9)
    }
}

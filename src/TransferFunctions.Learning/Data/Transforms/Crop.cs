namespace TransferFunctions.Learning.Data.Transforms;

/// <summary>Cuts a window out of an image; the parts of the window outside the image are zero.</summary>
internal static class Crop
{
    public static ImageArray Window(ImageArray image, int top, int left, int height, int width)
    {
        if (top == 0 && left == 0 && height == image.Height && width == image.Width)
            return image;
        var output = new float[image.Channels * height * width];
        for (var c = 0; c < image.Channels; c++)
            for (var y = 0; y < height; y++)
            {
                var sy = top + y;
                if (sy < 0 || sy >= image.Height)
                    continue;
                for (var x = 0; x < width; x++)
                {
                    var sx = left + x;
                    if (sx >= 0 && sx < image.Width)
                        output[(c * height + y) * width + x] = image.Data[(c * image.Height + sy) * image.Width + sx];
                }
            }
        return new ImageArray(image.Channels, height, width, output);
    }
}

namespace TransferFunctions.Torch.Tests;

public class TensorViewTests
{
    // 0..23 as [2, 3, 4]: element (i, j, k) is 12i + 4j + k, which makes hand indexing easy.
    private static Tensor Cube() => torch.Arange(0, 24).To(ScalarType.Float32).Reshape(2, 3, 4);

    [Fact]
    public void Reshape_and_view_keep_row_major_order()
    {
        using var scope = torch.NewDisposeScope();
        var t = Cube();
        Assert.Equal(new long[] { 4, 6 }, t.Reshape(4, -1).Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), t.View(24).ToArray<float>());
        Assert.Equal(new long[] { 2, 12 }, t.Flatten(1).Shape);
    }

    [Fact]
    public void Permute_moves_axes_and_reads_back_in_the_new_order()
    {
        using var scope = torch.NewDisposeScope();
        var p = Cube().Permute(2, 0, 1); // [4, 2, 3]: p[k, i, j] = 12i + 4j + k
        Assert.Equal(new long[] { 4, 2, 3 }, p.Shape);
        Assert.False(p.IsContiguous);
        var values = p.ToArray<float>();
        for (var k = 0; k < 4; k++)
            for (var i = 0; i < 2; i++)
                for (var j = 0; j < 3; j++)
                    Assert.Equal(12 * i + 4 * j + k, values[k * 6 + i * 3 + j]);
        Assert.True(p.Contiguous().IsContiguous);
    }

    [Fact]
    public void Transpose_swaps_two_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, m.T().ToArray<float>());
        Assert.Equal(new long[] { 4, 3, 2 }, Cube().Transpose(0, 2).Shape);
    }

    [Fact]
    public void Squeeze_and_unsqueeze_remove_and_add_unit_dimensions()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.Zeros(new long[] { 1, 3, 1, 2 });
        Assert.Equal(new long[] { 3, 2 }, t.Squeeze().Shape);
        Assert.Equal(new long[] { 3, 1, 2 }, t.Squeeze(0).Shape);
        Assert.Equal(new long[] { 1, 3, 1, 2 }, t.Squeeze(1).Shape);
        Assert.Equal(new long[] { 1, 3, 1, 2, 1 }, t.Unsqueeze(-1).Shape);
        Assert.Equal(new long[] { 1, 1, 3, 1, 2 }, t.Unsqueeze(1).Shape);
    }

    [Fact]
    public void Slice_with_step_and_select_pick_the_expected_elements()
    {
        using var scope = torch.NewDisposeScope();
        var t = Cube();
        // t[:, 1, 0:4:2] = {4, 6} and {16, 18}
        Assert.Equal(new float[] { 4, 6, 16, 18 }, t.Select(1, 1).Slice(1, 0, 4, 2).ToArray<float>());
        Assert.Equal(new float[] { 20, 21, 22, 23 }, t[1][2].ToArray<float>());
        Assert.Equal(new float[] { 13, 14 }, t[1].Narrow(1, 1, 2)[0].ToArray<float>());
    }

    [Fact]
    public void Views_share_storage_with_their_base()
    {
        using var scope = torch.NewDisposeScope();
        var t = Cube();
        t.Select(0, 1).Slice(0, 0, 1).Fill(-1);
        var values = t.ToArray<float>();
        Assert.Equal(new float[] { -1, -1, -1, -1 }, values[12..16]);
        Assert.Equal(11f, values[11]);
        Assert.Equal(16f, values[16]);
    }

    [Fact]
    public void Cat_joins_along_an_existing_dimension_and_stack_adds_one()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = torch.FromArray(new float[] { 5, 6 }, 1, 2);
        var rows = torch.Cat(new[] { a, b });
        Assert.Equal(new long[] { 3, 2 }, rows.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, rows.ToArray<float>());
        var cols = torch.Cat(new[] { a, a }, 1);
        Assert.Equal(new float[] { 1, 2, 1, 2, 3, 4, 3, 4 }, cols.ToArray<float>());
        var stacked = torch.Stack(new[] { a, a * 10 }, 1);
        Assert.Equal(new long[] { 2, 2, 2 }, stacked.Shape);
        Assert.Equal(new float[] { 1, 2, 10, 20, 3, 4, 30, 40 }, stacked.ToArray<float>());
    }

    [Fact]
    public void Cat_of_an_empty_list_is_refused_clearly()
    {
        var e = Assert.Throws<TorchException>(() => torch.Cat(Array.Empty<Tensor>()));
        Assert.Contains("non-empty", e.Message);
    }

    [Fact]
    public void Index_select_gather_and_integer_indexing_pick_rows()
    {
        using var scope = torch.NewDisposeScope();
        var m = torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        var idx = torch.FromArray(new long[] { 2, 0, 2 });
        Assert.Equal(new float[] { 5, 6, 1, 2, 5, 6 }, m.IndexSelect(0, idx).ToArray<float>());
        Assert.Equal(new float[] { 5, 6, 1, 2, 5, 6 }, m[idx].ToArray<float>());
        Assert.Equal(new float[] { 2, 1, 4, 3 }, m.IndexSelect(1, torch.FromArray(new long[] { 1, 0 })).Slice(0, 0, 2).ToArray<float>());
        var picked = m.Gather(1, torch.FromArray(new long[] { 1, 0, 1 }, 3, 1));
        Assert.Equal(new float[] { 2, 3, 6 }, picked.ToArray<float>());
    }

    [Fact]
    public void Boolean_masks_select_fill_and_index_rows()
    {
        using var scope = torch.NewDisposeScope();
        var v = torch.FromArray(new float[] { -1, 2, -3, 4, 5 });
        var positive = v.Gt(0);
        Assert.Equal(ScalarType.Bool, positive.DType);
        Assert.Equal(new float[] { 2, 4, 5 }, v.MaskedSelect(positive).ToArray<float>());
        Assert.Equal(new float[] { 2, 4, 5 }, v[positive].ToArray<float>());
        Assert.Equal(new float[] { 0, 2, 0, 4, 5 }, v.MaskedFill(positive.LogicalNot(), 0).ToArray<float>());
        var m = torch.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        Assert.Equal(new float[] { 1, 2, 5, 6 }, m[torch.FromArray(new[] { true, false, true })].ToArray<float>());
        Assert.Equal(new float[] { -1, 0, -3, 0, 0 }, torch.Where(positive, torch.ZerosLike(v), v).ToArray<float>());
    }

    [Fact]
    public void One_hot_encodes_classes_as_int64_rows()
    {
        using var scope = torch.NewDisposeScope();
        var h = torch.FromArray(new long[] { 2, 0 }).OneHot(3);
        Assert.Equal(new long[] { 2, 3 }, h.Shape);
        Assert.Equal(new long[] { 0, 0, 1, 1, 0, 0 }, h.ToArray<long>());
    }
}

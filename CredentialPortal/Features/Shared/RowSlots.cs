namespace CredentialPortal.Features.Shared;

/// <summary>
/// A list's rows as MudTable items that keep their identity from one page to the next: the first slot, the second, …
/// MudTable keys each row by its item, so new row records would make every sort or page click tear down and rebuild
/// all the rows' components (about 5 KB of render output per row, and the browser rebuilding their DOM); with the slots as
/// items the rows stay and only the text and attributes that changed are sent.
/// </summary>
public sealed class RowSlots<TRow>
{
    private readonly List<RowSlot<TRow>> slots = [];

    /// <summary>The slots showing <paramref name="rows"/>, in order: the same slot objects as before, refilled.</summary>
    public IReadOnlyList<RowSlot<TRow>> Fill(IReadOnlyList<TRow> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            if (i == slots.Count)
            {
                slots.Add(new RowSlot<TRow>());
            }
            slots[i].Row = rows[i];
        }
        return slots[..rows.Count];
    }
}

/// <summary>One row's place in a table; <see cref="Row"/> is what it shows now.</summary>
public sealed class RowSlot<TRow>
{
    public TRow Row { get; set; } = default!;
}

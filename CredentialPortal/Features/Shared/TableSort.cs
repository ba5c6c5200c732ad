using MudBlazor;

namespace CredentialPortal.Features.Shared;

/// <summary>The sort a table's rows were loaded with, told to assistive technology as each header's aria-sort.</summary>
public sealed record TableSort(string? Label, SortDirection Direction)
{
    public static TableSort From(TableState state) => new(state.SortLabel, state.SortDirection);

    public string AriaSort(string label) => label != Label ? "none" : Direction switch
    {
        SortDirection.Ascending => "ascending",
        SortDirection.Descending => "descending",
        _ => "none",
    };
}

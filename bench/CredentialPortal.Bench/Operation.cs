using CredentialPortal.Features.Credentials;

namespace CredentialPortal.Bench;

/// <summary>One thing a user does on the credentials page: list a page, or open a credential for edit.</summary>
internal sealed record Operation(string Label, CredentialListQuery? List = null, int EditId = 0)
{
    /// <summary>
    /// Runs it: a list through <paramref name="list"/> (the service's ListAsync), an edit through
    /// the service. Returns the rows shown and, for a list, the total it reports.
    /// </summary>
    public async Task<(int Rows, int? Total)> RunAsync(Func<CredentialListQuery, Task<CredentialPage>> list, CredentialService credentials)
    {
        if (List is not null)
        {
            var page = await list(List);
            return (page.Items.Count, page.TotalCount);
        }
        var credential = await credentials.GetForEditAsync(EditId);
        return (credential is null ? 0 : 1, null);
    }

    /// <summary>The user-facing operations at <paramref name="rows"/> credentials of 25 a page.</summary>
    public static IReadOnlyList<Operation> All(int rows, int editId)
    {
        var lastPage = Math.Max(0, (rows - 1) / 25);
        var byDate = CredentialSort.LastModified;
        return
        [
            new("first page, LastModified desc", new()),
            new($"page {lastPage / 2} (middle), LastModified desc", new(Page: lastPage / 2)),
            new($"page {lastPage * 3 / 4}, LastModified desc", new(Page: lastPage * 3 / 4)),
            new($"page {lastPage} (last), LastModified desc", new(Page: lastPage)),
            new("first page, LastModified asc", new(SortBy: byDate, Descending: false)),
            new("first page, Name asc", new(SortBy: CredentialSort.Name, Descending: false)),
            new("first page, Name desc", new(SortBy: CredentialSort.Name, Descending: true)),
            new("first page, Type asc", new(SortBy: CredentialSort.Type, Descending: false)),
            new("first page, Type desc", new(SortBy: CredentialSort.Type, Descending: true)),
            new("search 'invoice' (one word)", new(Search: "invoice")),
            new("search 'slack orders' (rare)", new(Search: "slack orders")),
            new("search 'ing' (broad, 3 chars)", new(Search: "ing")),
            new("search 'ing', Name asc", new(Search: "ing", SortBy: CredentialSort.Name, Descending: false)),
            new("search 'ay' (2 chars, LIKE)", new(Search: "ay")),
            new($"GetForEditAsync(id {editId})", EditId: editId),
        ];
    }
}

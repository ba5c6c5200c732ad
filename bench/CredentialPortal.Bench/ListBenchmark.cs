using System.Data.Common;
using BenchmarkDotNet.Attributes;
using CredentialPortal.Features.Credentials;
using Npgsql;

namespace CredentialPortal.Bench;

/// <summary>One page of the credentials list, as the tab asks for it.</summary>
public abstract class ListBenchmark : CredentialBenchmark
{
    private CredentialListQuery? query;

    /// <summary>Built once per case: a new record per call would be charged to the portal.</summary>
    protected CredentialListQuery Query => query ??= CreateQuery();

    protected override bool ReadsListPage => true;

    protected override string Label => $"{GetType().Name}: {Query}";

    protected abstract CredentialListQuery CreateQuery();

    [Benchmark]
    public Task<CredentialPage> Portal() => Credentials.ListAsync(Query);

    protected override async Task<int> CallAsync() => (await Portal()).Items.Count;

    /// <summary>
    /// The plainest SQL for the page (LIKE and OFFSET, no index tricks): a bad reverse walk or a name index miss shows.
    /// The same text on both engines but for LIKE, which folds ASCII case on SQLite, and is ILIKE on PostgreSQL.
    /// </summary>
    protected override async Task<string?> CheckAsync(DbConnection raw)
    {
        var page = await Portal();
        var fragment = Query.Search?.Trim();
        // PostgreSQL refuses pattern matching on the name's case-insensitive collation: the search names a deterministic one.
        var name = raw is NpgsqlConnection ? "\"Name\" COLLATE \"und-x-icu\" ILIKE" : "\"Name\" LIKE";
        var where = string.IsNullOrEmpty(fragment) ? "" : $"WHERE {name} @pattern";
        const string usedBy = "((SELECT COUNT(*) FROM \"Alerts\" a WHERE a.\"CredentialId\" = \"Credentials\".\"Id\")"
            + " + (SELECT COUNT(*) FROM \"HierarchyEntities\" h WHERE h.\"CredentialId\" = \"Credentials\".\"Id\"))";
        var order = (Query.SortBy, Query.Descending) switch
        {
            (CredentialSort.UsedBy, false) => $"{usedBy}, \"Id\"",
            (CredentialSort.UsedBy, true) => $"{usedBy} DESC, \"Id\" DESC",
            (CredentialSort.Name, false) => "\"Name\", \"Id\"",
            (CredentialSort.Name, true) => "\"Name\" DESC, \"Id\" DESC",
            (CredentialSort.Type, false) => "\"Type\", \"LastModifiedUtc\" DESC, \"Id\" DESC",
            (CredentialSort.Type, true) => "\"Type\" DESC, \"LastModifiedUtc\", \"Id\"",
            (_, false) => "\"LastModifiedUtc\", \"Id\"",
            (_, true) => "\"LastModifiedUtc\" DESC, \"Id\" DESC",
        };
        await using var command = raw.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"Credentials\" {where}; SELECT \"Id\" FROM \"Credentials\" {where} ORDER BY {order} LIMIT @take OFFSET @skip";
        void Add(string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        Add("@pattern", $"%{fragment}%");
        Add("@take", Query.PageSize);
        Add("@skip", Query.Page * Query.PageSize);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var count = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        await reader.NextResultAsync();
        var ids = new List<int>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        if (page.MoreThanTotal)
        {
            // "More than N": N must reach past the page (so that the pager offers the next one) and be a true lower bound.
            if (count <= page.TotalCount || page.TotalCount < Query.Page * Query.PageSize + page.Items.Count)
            {
                return $"total 'more than {page.TotalCount}', but {count} match";
            }
        }
        else if (count != page.TotalCount)
        {
            return $"total {page.TotalCount}, expected {count}";
        }
        return ids.SequenceEqual(page.Items.Select(r => r.Id)) ? null : "page rows differ from the plain LIKE/OFFSET query";
    }
}

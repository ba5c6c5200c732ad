using System.Text.Json.Nodes;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.Api;

namespace CredentialPortal.Tests.Features.Credentials.Api;

/// <summary>The list: the tab's paging, sorting and search, answered from the same service call.</summary>
public sealed class CredentialApiListTests(CredentialApiListTests.Filled api) : IClassFixture<CredentialApiListTests.Filled>
{
    /// <summary>A portal with 30 credentials of mixed types, one of them named with "zebra"; no test here adds any.</summary>
    public sealed class Filled : IAsyncLifetime
    {
        public CredentialApiFixture Api { get; } = new();

        public async Task InitializeAsync()
        {
            await Api.InitializeAsync();
            var credentials = Api.Host.Service<CredentialService>();
            for (var i = 0; i < 30; i++)
            {
                var input = (i % 3) switch
                {
                    0 => CredentialInputs.ClientId($"List {i:00}{(i % 10 == 0 ? " zebra" : "")}", value: $"value-{i:00}"),
                    1 => CredentialInputs.ClientIdAndSecret($"Another {i:00}"),
                    _ => new CredentialInput { Name = $"Bearer {i:00}", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = $"token-{i:00}" },
                };
                Assert.True((await credentials.CreateAsync(input)).Succeeded);
            }
        }

        public Task DisposeAsync() => Api.DisposeAsync();
    }

    private const string Route = CredentialApiFixture.Route;

    [Theory]
    [InlineData("", "")]
    [InlineData("?page=2&page_size=10&sort=name", "name asc, page 2 of 10")]
    [InlineData("?page=3&page_size=10&sort=name&dir=desc", "name desc, page 3 of 10")]
    [InlineData("?sort=type", "type asc")]
    [InlineData("?sort=type&dir=desc&page_size=7&page=2", "type desc")]
    [InlineData("?sort=used_by&dir=desc&page_size=7&page=2", "used by desc")]
    [InlineData("?sort=last_modified&dir=asc&page_size=100", "oldest first, all")]
    [InlineData("?q=zebra", "search")]
    [InlineData("?search=ZEBRA&sort=name", "search alias, any case")]
    [InlineData("?q=An&page_size=4", "short search")]
    public async Task A_page_is_the_tabs_page(string query, string what)
    {
        var expected = await api.Api.Host.Service<CredentialService>().ListAsync(QueryOf(query));

        var answer = await api.Api.SendAsync(HttpMethod.Get, Route + query);

        Assert.True(answer.Status == 200, $"{what}: {answer.Raw}");
        var items = answer.Json["items"]!.AsArray();
        Assert.Equal(expected.Items.Select(r => (r.Name, CredentialApiNames.Of(r.Type))), items.Select(i => (i!["name"]!.ToString(), i["type"]!.ToString())));
        Assert.Equal(expected.TotalCount, answer.Json["total"]!.GetValue<int>());
        Assert.Equal(expected.MoreThanTotal, answer.Json["total_is_lower_bound"]!.GetValue<bool>());
        Assert.Equal(QueryOf(query).Page + 1, answer.Json["page"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_first_page_holds_25_rows_newest_first_with_ids_that_open_them()
    {
        var answer = await api.Api.SendAsync(HttpMethod.Get, Route);

        var items = answer.Json["items"]!.AsArray();
        Assert.Equal((25, 30, 25, 1), (items.Count, answer.Json["total"]!.GetValue<int>(), answer.Json["page_size"]!.GetValue<int>(), answer.Json["page"]!.GetValue<int>()));
        Assert.Equal("Bearer 29", items[0]!["name"]!.ToString());
        var first = await api.Api.GetAsync(items[0]!["credential_id"]!.ToString());
        Assert.Equal("Bearer 29", first["name"]);
        Assert.DoesNotContain("token-", answer.Raw);
        Assert.DoesNotContain("value-", answer.Raw);
    }

    [Theory]
    [InlineData("?page_size=101", "page_size")]
    [InlineData("?page_size=0", "page_size")]
    [InlineData("?page=0", "page")]
    [InlineData("?sort=created", "sort")]
    [InlineData("?dir=up", "dir")]
    public async Task A_query_the_tab_would_not_make_is_a_400_problem_naming_it(string query, string field)
    {
        var answer = await api.Api.SendAsync(HttpMethod.Get, Route + query);

        answer.AssertProblem(400);
        Assert.Single(answer.ErrorsOf(field));
    }

    [Fact]
    public async Task A_page_past_the_end_is_empty_with_the_total()
    {
        var answer = await api.Api.SendAsync(HttpMethod.Get, Route + "?page=9&page_size=10");

        Assert.Empty(answer.Json["items"]!.AsArray());
        Assert.Equal(30, answer.Json["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("", 30)]
    [InlineData("&q=zebra", 1)]
    [InlineData("&q=An", 10)]
    public async Task A_page_number_far_past_any_list_is_empty_with_the_total(string search, int total)
    {
        // 21,474,838 pages of 100 would start past int.MaxValue: the offset must not wrap round to a negative one.
        var answer = await api.Api.SendAsync(HttpMethod.Get, Route + "?page=21474838&page_size=100" + search);

        Assert.True(answer.Status == 200, answer.Raw);
        Assert.Empty(answer.Json["items"]!.AsArray());
        Assert.Equal((total, false), (answer.Json["total"]!.GetValue<int>(), answer.Json["total_is_lower_bound"]!.GetValue<bool>()));
    }

    [Theory]
    [InlineData("zeb%00ra")]
    [InlineData("%00")]
    [InlineData("a%00")]
    public async Task A_search_with_a_nul_character_finds_nothing(string search)
    {
        // No name holds U+0000 (the rules refuse it), and PostgreSQL refuses it in text: it answered 500.
        var answer = await api.Api.SendAsync(HttpMethod.Get, Route + "?q=" + search);

        Assert.True(answer.Status == 200, answer.Raw);
        Assert.Empty(answer.Json["items"]!.AsArray());
        Assert.Equal(0, answer.Json["total"]!.GetValue<int>());
    }

    /// <summary>The service query the tab makes for the same list state (page from 1 in the URL, from 0 in the query).</summary>
    private static CredentialListQuery QueryOf(string query)
    {
        var parameters = System.Web.HttpUtility.ParseQueryString(query);
        var sort = parameters["sort"] switch
        {
            "name" => CredentialSort.Name,
            "type" => CredentialSort.Type,
            "used_by" => CredentialSort.UsedBy,
            _ => CredentialSort.LastModified,
        };
        return new CredentialListQuery(
            Search: parameters["q"] ?? parameters["search"],
            SortBy: sort,
            Descending: parameters["dir"] is { } dir ? dir == "desc" : sort == CredentialSort.LastModified,
            Page: int.Parse(parameters["page"] ?? "1") - 1,
            PageSize: int.Parse(parameters["page_size"] ?? "25"));
    }
}

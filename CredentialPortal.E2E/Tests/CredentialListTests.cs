using System.Text.RegularExpressions;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Features.Credentials;

namespace CredentialPortal.E2E.Tests;

/// <summary>The Webhook Credentials table.</summary>
public sealed class CredentialListTests(BrowserFixture browser) : PortalTest(browser)
{
    [Fact]
    public async Task Empty_list_says_so_and_points_at_new_credential()
    {
        var list = await LogInAndOpenCredentialsAsync();

        await Expect(list.ColumnHeaders).ToHaveTextAsync(["Name", "Type", "Last Modified", "Used by", "Options"]);
        await Expect(list.EmptyState).ToBeVisibleAsync();
        await Expect(list.EmptyState).ToContainTextAsync("+ NEW CREDENTIAL");
        await Expect(list.Rows).ToHaveCountAsync(0);
        await Expect(list.NewCredentialButton).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Most_recently_modified_first_and_each_header_sorts_then_reverses()
    {
        await CreateCredentialAsync("Bravo");
        await CreateCredentialAsync("Alpha", CredentialType.ClientIdAndSecret);
        await CreateCredentialAsync("Charlie");

        var list = await LogInAndOpenCredentialsAsync();
        await list.ExpectNamesAsync("Charlie", "Alpha", "Bravo");
        await Expect(list.Cells("Alpha").Nth(1)).ToHaveTextAsync("Client ID and Secret");
        await Expect(list.Cells("Bravo").Nth(1)).ToHaveTextAsync("Client ID");
        // A readable date and time, e.g. "Nov 23, 2026, 21:18 UTC".
        await Expect(list.Cells("Bravo").Nth(2)).ToHaveTextAsync(new Regex(@"\b\d{4}\b.*\b\d{1,2}:\d{2}\b"));
        await Expect(list.Row("Bravo").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true })).ToBeVisibleAsync();
        await Expect(list.Row("Bravo").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true })).ToBeVisibleAsync();

        await list.SortByAsync("Name");
        await list.ExpectNamesAsync("Alpha", "Bravo", "Charlie");
        await list.SortByAsync("Name");
        await list.ExpectNamesAsync("Charlie", "Bravo", "Alpha");

        // Client ID before Client ID and Secret; within a type, most recently modified first.
        await list.SortByAsync("Type");
        await list.ExpectNamesAsync("Charlie", "Bravo", "Alpha");
        await list.SortByAsync("Type");
        await list.ExpectNamesAsync("Alpha", "Bravo", "Charlie");

        await list.SortByAsync("Last Modified");
        await list.ExpectNamesAsync("Bravo", "Alpha", "Charlie");
        await list.SortByAsync("Last Modified");
        await list.ExpectNamesAsync("Charlie", "Alpha", "Bravo");

        // The sort is in the URL: a reload keeps it.
        await list.SortByAsync("Name");
        await list.ExpectNamesAsync("Alpha", "Bravo", "Charlie");
        await list.ReloadAsync();
        await list.ExpectNamesAsync("Alpha", "Bravo", "Charlie");
    }

    [Fact]
    public async Task Search_box_filters_by_name()
    {
        await CreateCredentialAsync("Payments API");
        await CreateCredentialAsync("Shipping hook");
        await CreateCredentialAsync("Payroll export");
        await CreateCredentialAsync("Alpha");

        var list = await LogInAndOpenCredentialsAsync();
        await list.ExpectNamesAsync("Alpha", "Payroll export", "Shipping hook", "Payments API");

        await list.SearchAsync("pay");
        await list.ExpectNamesAsync("Payroll export", "Payments API");

        await list.SearchAsync("ping h");
        await list.ExpectNamesAsync("Shipping hook");

        await list.SearchAsync("ro");
        await list.ExpectNamesAsync("Payroll export");

        await list.SearchAsync("no such name");
        await Expect(list.Rows).ToHaveCountAsync(0);
        await Expect(list.Table).ToContainTextAsync("no such name");

        await list.SearchAsync("");
        await list.ExpectNamesAsync("Alpha", "Payroll export", "Shipping hook", "Payments API");
    }
}

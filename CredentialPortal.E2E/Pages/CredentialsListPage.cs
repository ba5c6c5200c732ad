using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Pages;

/// <summary>Integrations › Webhook Credentials: the table, its search box, sorting headers and row actions.</summary>
public sealed class CredentialsListPage(IPage page) : PortalPage(page)
{
    public override string Path => "integrations/webhook-credentials";

    /// <summary>"+ NEW CREDENTIAL": a button or a link styled as one (both are allowed).</summary>
    public ILocator NewCredentialButton =>
        Page.GetByRole(AriaRole.Button, new() { Name = "New credential", Exact = true })
            .Or(Page.GetByRole(AriaRole.Link, new() { Name = "New credential", Exact = true }));

    public ILocator Search => Page.GetByLabel("Search by name", new() { Exact = true });

    public ILocator Table => Page.GetByRole(AriaRole.Table);

    public ILocator ColumnHeaders => Table.GetByRole(AriaRole.Columnheader);

    public ILocator ColumnHeader(string name) => Table.GetByRole(AriaRole.Columnheader, new() { Name = name, Exact = true });

    /// <summary>The credentials' rows: those with a Delete button (not the header row, not the empty-state row).</summary>
    public ILocator Rows => Table.GetByRole(AriaRole.Row)
        .Filter(new() { Has = Page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }) });

    public ILocator Row(string name) =>
        Rows.Filter(new() { Has = Page.GetByRole(AriaRole.Cell, new() { Name = name, Exact = true }) });

    public ILocator Cells(string name) => Row(name).GetByRole(AriaRole.Cell);

    /// <summary>The row's Used by count.</summary>
    public ILocator UsedBy(string name) => Row(name).GetByTestId("used-by");

    public ILocator EmptyState => Page.GetByText(new Regex("NEW CREDENTIAL"));

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading("Webhook Credentials")).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await Expect(Table).ToBeVisibleAsync();
    }

    /// <summary>The rows, top to bottom, are exactly these names (checked at once, retried until it holds).</summary>
    public Task ExpectNamesAsync(params string[] names) =>
        Expect(Rows).ToHaveTextAsync(names
            .Select(name => new Regex(@"^\s*" + Regex.Escape(name) + @"\s*Client ID"))
            .ToArray());

    /// <summary>Clicks the header's label, as a person would to sort by that column.</summary>
    public Task SortByAsync(string column) =>
        ColumnHeader(column).GetByText(column, new() { Exact = true }).ClickAsync();

    /// <summary>The keyboard's way into a sortable header: the button inside its label.</summary>
    public ILocator SortButton(string column) =>
        ColumnHeader(column).GetByRole(AriaRole.Button, new() { Name = column, Exact = true });

    /// <summary>The pager's Next page button (the list's page is in the URL: <c>?page=N</c>).</summary>
    public ILocator NextPageButton => Page.GetByRole(AriaRole.Button, new() { Name = "Next page", Exact = true });

    /// <summary>The name's link in a row: the keyboard's way to open the credential.</summary>
    public ILocator NameLink(string name) => Row(name).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    /// <summary>Opens a credential by clicking its row (its Type cell, not the name's link).</summary>
    public async Task<CredentialFormPage> OpenRowAsync(string name)
    {
        await Cells(name).Nth(1).ClickAsync();
        var form = new CredentialFormPage(Page, id: null, isEdit: true);
        await form.ExpectOpenAsync();
        await Expect(form.Name).ToHaveValueAsync(name);
        return form;
    }

    /// <summary>Any snackbar at all (a result, a warning or an error).</summary>
    public ILocator Snackbars => Page.GetByRole(AriaRole.Alert);

    public async Task SearchAsync(string text)
    {
        await Search.FillAsync(text);
    }

    public async Task<CredentialFormPage> NewCredentialAsync()
    {
        await NewCredentialButton.ClickAsync();
        var form = new CredentialFormPage(Page, id: null);
        await form.ExpectOpenAsync();
        return form;
    }

    public async Task<CredentialFormPage> EditAsync(string name)
    {
        await Row(name).GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        var form = new CredentialFormPage(Page, id: null, isEdit: true);
        await form.ExpectOpenAsync();
        await Expect(form.Name).ToHaveValueAsync(name);
        return form;
    }

    public async Task<DeleteDialog> DeleteAsync(string name)
    {
        await Row(name).GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        var dialog = new DeleteDialog(Page);
        await dialog.ExpectOpenAsync(name);
        return dialog;
    }
}

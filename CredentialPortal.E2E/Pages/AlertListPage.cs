using System.Text.RegularExpressions;

namespace CredentialPortal.E2E.Pages;

/// <summary>Flexible Actions › Platform Events or › Runtime Alerts: the alerts' table and New alert.</summary>
public sealed class AlertListPage(IPage page, string title) : PortalPage(page)
{
    public const string PlatformEvents = "Platform Events";
    public const string RuntimeAlerts = "Runtime Alerts";

    /// <summary>"Platform Events" or "Runtime Alerts": the page's heading and its link in the navigation.</summary>
    public string Title { get; } = title;

    public override string Path => Title == PlatformEvents ? "flexible-actions/platform-events" : "flexible-actions/runtime-alerts";

    /// <summary>The control named New alert: a button, or a link styled as one (both are allowed).</summary>
    public ILocator NewAlertButton =>
        Page.GetByRole(AriaRole.Button, new() { Name = "New alert", Exact = true })
            .Or(Page.GetByRole(AriaRole.Link, new() { Name = "New alert", Exact = true }));

    public ILocator Table => Page.GetByRole(AriaRole.Table);

    public ILocator ColumnHeaders => Table.GetByRole(AriaRole.Columnheader);

    /// <summary>The alerts' rows: those whose first cell links to the alert (not the header, loading or empty row).</summary>
    public ILocator Rows => Table.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Link) });

    public ILocator Row(string name) =>
        Rows.Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });

    /// <summary>A row's cells: Name, Trigger, Webhook auth, Last Modified.</summary>
    public ILocator Cells(string name) => Row(name).GetByRole(AriaRole.Cell);

    public ILocator EmptyState => Table.GetByText(new Regex($"No {Regex.Escape(Title.ToLowerInvariant())} yet"));

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading(Title)).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await Expect(Table).ToBeVisibleAsync();
    }

    /// <summary>The alerts, top to bottom, are exactly these names.</summary>
    public Task ExpectNamesAsync(params string[] names) =>
        Expect(Rows.GetByRole(AriaRole.Link)).ToHaveTextAsync(names);

    public async Task<AlertFormPage> NewAlertAsync()
    {
        await NewAlertButton.ClickAsync();
        var form = new AlertFormPage(Page, Title, isEdit: false);
        await form.ExpectOpenAsync();
        return form;
    }

    /// <summary>Clicks the alert's row (not only its name: the whole row opens the overview).</summary>
    public async Task<AlertOverviewPage> OpenAsync(string name)
    {
        await Cells(name).Nth(1).ClickAsync();
        var overview = new AlertOverviewPage(Page, name);
        await overview.ExpectOpenAsync();
        return overview;
    }
}

namespace CredentialPortal.E2E.Pages;

/// <summary>Settings › Audit log: the entries newest first, each row's cells by their labels.</summary>
public sealed class AuditLogPage(IPage page) : PortalPage(page)
{
    public override string Path => "settings/audit";

    public ILocator Table => Page.GetByTestId("audit-log").GetByRole(AriaRole.Table);

    public ILocator Rows => Table.Locator("tr.audit-row");

    public ILocator Cell(int index, string label) => Rows.Nth(index).Locator($"td[data-label='{label}']");

    public ILocator Actions => Table.Locator("td[data-label='Action']");

    public ILocator ObjectIdFilter => Page.GetByTestId("object-id-filter");

    public ILocator Actor => Page.GetByLabel("Actor", new() { Exact = true });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading("Audit log")).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
    }
}

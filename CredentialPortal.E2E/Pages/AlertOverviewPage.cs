namespace CredentialPortal.E2E.Pages;

/// <summary>An alert's overview: trigger, conditions, the webhook (URL, method, authentication), Send test and the delivery log.</summary>
public sealed class AlertOverviewPage(IPage page, string name) : PortalPage(page)
{
    public string Name { get; } = name;

    /// <summary>The overview is reached from the list; its address carries the alert's id.</summary>
    public override string Path => throw new NotSupportedException("Open an alert from its list.");

    public ILocator WebhookUrl => Page.GetByTestId("webhook-url");

    public ILocator WebhookMethod => WebhookRow("Method").GetByRole(AriaRole.Cell);

    public ILocator ExtraHeaders => WebhookRow("Extra headers").GetByRole(AriaRole.Cell);

    /// <summary>The authentication line: the credential's name, type and placement, or No Auth (and what was deleted).</summary>
    public ILocator Auth => Page.GetByTestId("webhook-auth");

    public ILocator Trigger => Page.GetByTestId("alert-trigger");

    public ILocator SendTestButton => Page.GetByRole(AriaRole.Button, new() { Name = "Send test", Exact = true });

    /// <summary>The outcome of the last Send test: Delivered or not (yet), HTTP status, duration, when a retry is due.</summary>
    public ILocator TestOutcome => Page.GetByTestId("test-outcome");

    /// <summary>While Send test runs: how long it may take.</summary>
    public ILocator TestProgress => Page.GetByTestId("test-progress");

    /// <summary>The times of the log's deliveries (the viewer's zone; UTC in their title).</summary>
    public ILocator DeliveryTimes => DeliveryLog.Locator("time");

    public ILocator EditButton =>
        Page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })
            .Or(Page.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }));

    public ILocator DeleteButton => Page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true });

    /// <summary>The delivery log's table (on a phone its column headers are hidden and each row is a card).</summary>
    public ILocator DeliveryLog => Page.GetByTestId("delivery-log").GetByRole(AriaRole.Table);

    /// <summary>The log's deliveries, newest first (not the header, attempts, loading or "nothing sent" rows).</summary>
    public ILocator DeliveryRows => DeliveryLog.Locator("tr.delivery-row");

    /// <summary>A delivery's cells: Time (with the Test marker), Status, Attempts, HTTP status, Error, Options.</summary>
    public ILocator DeliveryCells(int index) => DeliveryRows.Nth(index).GetByRole(AriaRole.Cell);

    /// <summary>A delivery's cell by its label (on a phone, the card's line).</summary>
    public ILocator DeliveryCell(int index, string label) => DeliveryRows.Nth(index).Locator($"td[data-label='{label}']");

    /// <summary>A delivery's status chip: Pending, Delivering, Delivered or Webhook Dispatch Failed.</summary>
    public ILocator DeliveryStatus(int index) => DeliveryCell(index, "Status").Locator(".mud-chip");

    public ILocator ReplayButton(int index) => DeliveryRows.Nth(index).GetByRole(AriaRole.Button, new() { Name = "Replay", Exact = true });

    /// <summary>The summary's failed count, e.g. "Failed: 1".</summary>
    public ILocator FailedCount => Page.GetByTestId("failed-count");

    /// <summary>Expands a delivery to its attempts (time, duration, answer, masked request); returns them, oldest first.</summary>
    public async Task<ILocator> ShowAttemptsAsync(int index)
    {
        await DeliveryRows.Nth(index).GetByRole(AriaRole.Button, new() { Name = "Show attempts", Exact = true }).ClickAsync();
        var attempts = DeliveryLog.Locator("tr.delivery-attempts").First.GetByTestId("delivery-attempt");
        await Expect(attempts.First).ToBeVisibleAsync();
        return attempts;
    }

    public ILocator Snackbar(string text) => Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = text });

    private ILocator WebhookRow(string header) =>
        Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Rowheader, new() { Name = header, Exact = true }) });

    public override async Task ExpectOpenAsync()
    {
        await Expect(Heading(Name)).ToBeVisibleAsync();
        await WaitForInteractiveAsync();
        await Expect(DeliveryLog).ToBeVisibleAsync();
    }

    /// <summary>Send test, then waits for its delivery to be listed at the top of the log; returns the shown outcome.</summary>
    public async Task<ILocator> SendTestAsync()
    {
        // The log has loaded: it shows deliveries or says that nothing was sent yet.
        await Expect(DeliveryRows.First.Or(DeliveryLog.GetByText("Nothing sent yet"))).ToBeVisibleAsync();
        var before = await DeliveryRows.CountAsync();
        await SendTestButton.ClickAsync();
        await Expect(DeliveryRows).ToHaveCountAsync(before + 1);
        await Expect(SendTestButton).ToBeEnabledAsync();
        await Expect(TestOutcome).ToBeVisibleAsync();
        return TestOutcome;
    }

    /// <summary>Whether anything makes the page wider than the window (a person would have to scroll sideways).</summary>
    public Task<bool> OverflowsHorizontallyAsync() =>
        Page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth > window.innerWidth");

    /// <summary>The control lies wholly inside the window's width, so nothing of it is cut off.</summary>
    public async Task ExpectWithinWindowAsync(ILocator control)
    {
        await Expect(control).ToBeVisibleAsync();
        var box = await control.BoundingBoxAsync() ?? throw new InvalidOperationException("No box: not rendered.");
        var width = await Page.EvaluateAsync<int>("() => window.innerWidth");
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"the control spans {box.X}..{box.X + box.Width}, the window {width} px");
    }

    public async Task<AlertFormPage> EditAsync(string listTitle)
    {
        await CloseSnackbarsAsync();
        await EditButton.ClickAsync();
        var form = new AlertFormPage(Page, listTitle, isEdit: true);
        await form.ExpectOpenAsync();
        await Expect(form.Name).ToHaveValueAsync(Name);
        return form;
    }

    public async Task<DeleteDialog> DeleteAsync()
    {
        await CloseSnackbarsAsync();
        await DeleteButton.ClickAsync();
        var dialog = new DeleteDialog(Page);
        await dialog.ExpectOpenAsync(Name);
        return dialog;
    }

    /// <summary>
    /// Snackbars appear at the top right, right over the Edit and Delete buttons, for several seconds: a person closes
    /// them (their Close button) before reaching those buttons.
    /// </summary>
    private async Task CloseSnackbarsAsync()
    {
        var closeButtons = Page.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true });
        // Last to first: a closed snackbar stays until its fade-out ends, and the ones above it keep their index.
        for (var index = await closeButtons.CountAsync() - 1; index >= 0; index--)
        {
            try
            {
                await closeButtons.Nth(index).ClickAsync(new() { Timeout = 2_000 });
            }
            catch (TimeoutException)
            {
                // It went away by itself meanwhile.
            }
        }
        await Expect(closeButtons).ToHaveCountAsync(0);
    }
}

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>The Deliveries page's Alert filter: its choices as a person types.</summary>
public sealed class DeliveryAlertChoicesTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    private async Task<IEnumerable<string>> NamesAsync(string search) =>
        (await bed.Database.Deliveries.AlertChoicesAsync(search)).Select(c => c.Name);

    [Fact]
    public async Task A_name_fragment_matches_in_any_case_and_a_percent_sign_is_a_percent_sign()
    {
        await bed.AlertAsync(name: "Memory");
        await bed.AlertAsync(name: "CPU high");
        await bed.AlertAsync(name: "Disk 100% full");

        Assert.Equal(["CPU high"], await NamesAsync("cpu HI"));
        Assert.Equal(["Disk 100% full"], await NamesAsync("0% F"));
        Assert.Empty(await NamesAsync("%u"));
        Assert.Equal(["CPU high", "Disk 100% full", "Memory"], await NamesAsync(" "));
    }
}

using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Shared;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class AlertAuditTests : IAsyncLifetime
{
    private const string HeaderSecret = "header-secret-value-1111";
    private const string NewHeaderSecret = "header-secret-value-2222";

    private PortalTestDatabase database = default!;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<int> CreateAsync()
    {
        var input = AlertInputs.RuntimeAlert("CPU high", new Uri("http://127.0.0.1:9/hook"), headers: ("X-Env", "prod"));
        input.Headers.Add(new HeaderInput { Name = "X-Api-Key", Value = HeaderSecret, Secret = true });
        var result = await database.Alerts.CreateAsync(input);
        Assert.Equal(SaveStatus.Saved, result.Status);
        return result.Id;
    }

    [Fact]
    public async Task A_created_alert_is_recorded_under_its_id_with_its_fields_and_its_secret_header_only_named()
    {
        var id = await CreateAsync();

        var (entry, changes) = await AuditLog.SingleAsync(database, "alert.created");
        Assert.Equal(("alert", id.ToString(), "CPU high"), (entry.ObjectType, entry.ObjectId, entry.ObjectName));
        Assert.Equal(new AuditChange("Threshold", null, "90"), AuditLog.Field(changes, "Threshold"));
        Assert.Equal(new AuditChange("Header X-Env", null, "prod"), AuditLog.Field(changes, "Header X-Env"));
        Assert.Equal(AuditChange.OfSecret("Header X-Api-Key"), AuditLog.Field(changes, "Header X-Api-Key"));
        Assert.DoesNotContain(HeaderSecret, await AuditLog.AllTextAsync(database));
    }

    [Fact]
    public async Task An_edit_records_the_fields_and_headers_that_changed_and_a_new_header_secret_as_changed_only()
    {
        var id = await CreateAsync();
        var (input, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        input.Threshold = 95;
        input.Headers[0].Value = "staging";
        input.Headers[1].Value = NewHeaderSecret;

        Assert.Equal(SaveStatus.Saved, (await database.Alerts.UpdateAsync(id, input)).Status);

        var (entry, changes) = await AuditLog.SingleAsync(database, "alert.edited");
        Assert.Equal((id.ToString(), "CPU high"), (entry.ObjectId, entry.ObjectName));
        Assert.Equal(
            [new AuditChange("Header X-Api-Key", Secret: true), new AuditChange("Header X-Env", "prod", "staging"), new AuditChange("Threshold", "90", "95")],
            changes.OrderBy(c => c.Field));
        var text = await AuditLog.AllTextAsync(database);
        Assert.DoesNotContain(HeaderSecret, text);
        Assert.DoesNotContain(NewHeaderSecret, text);
    }

    [Fact]
    public async Task An_edit_that_keeps_the_secret_header_does_not_say_it_changed()
    {
        var id = await CreateAsync();
        var (input, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        input.Name = "CPU very high"; // the secret header's value stays empty: kept

        Assert.Equal(SaveStatus.Saved, (await database.Alerts.UpdateAsync(id, input)).Status);

        var (_, changes) = await AuditLog.SingleAsync(database, "alert.edited");
        Assert.Equal([new AuditChange("Name", "CPU high", "CPU very high")], changes);
    }

    [Fact]
    public async Task A_deletion_is_recorded_with_the_name_it_had()
    {
        var id = await CreateAsync();

        Assert.True(await database.Alerts.DeleteAsync(id));
        Assert.False(await database.Alerts.DeleteAsync(id));

        var (entry, _) = await AuditLog.SingleAsync(database, "alert.deleted");
        Assert.Equal(("alert", id.ToString(), "CPU high"), (entry.ObjectType, entry.ObjectId, entry.ObjectName));
    }
}

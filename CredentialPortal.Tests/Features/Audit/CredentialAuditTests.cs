using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Shared;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class CredentialAuditTests : IAsyncLifetime
{
    private const string FirstSecret = "first-secret-value-0001";
    private const string SecondSecret = "second-secret-value-0002";

    private static readonly Actor Editor = new("editor@example.com", PortalRoles.Editor, UserId: "user-editor");

    private PortalTestDatabase database = default!;

    public async Task InitializeAsync() => database = await PortalTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    private IDisposable ActAsEditor() => database.Services.GetRequiredService<ActorAccessor>().Use(Editor);

    private async Task<int> CreateAsync()
    {
        using var _ = ActAsEditor();
        var result = await database.Credentials.CreateAsync(CredentialInputs.ClientIdAndSecret("Hyrule", clientId: "link-client-id", secret: FirstSecret));
        Assert.Equal(SaveStatus.Saved, result.Status);
        return result.Id;
    }

    [Fact]
    public async Task A_created_credential_is_recorded_with_its_actor_its_public_id_and_its_fields_and_no_secret_value()
    {
        var id = await CreateAsync();

        var (entry, changes) = await AuditLog.SingleAsync(database, "credential.created");
        var saved = await database.Credentials.GetForEditAsync(id);
        Assert.Equal(("editor@example.com", "user-editor", "credential", saved!.PublicId.ToString(), "Hyrule"),
            (entry.Actor, entry.ActorUserId, entry.ObjectType, entry.ObjectId, entry.ObjectName));
        Assert.Equal(database.Clock.GetUtcNow().UtcDateTime, entry.AtUtc);
        Assert.Equal(new AuditChange("Name", null, "Hyrule"), AuditLog.Field(changes, "Name"));
        Assert.Equal(new AuditChange("Field name", null, "clientid"), AuditLog.Field(changes, "Field name"));
        Assert.True(AuditLog.Field(changes, "Secret").Secret);
        Assert.DoesNotContain(FirstSecret, await AuditLog.AllTextAsync(database));
        Assert.DoesNotContain("link-client-id", await AuditLog.AllTextAsync(database));
    }

    [Fact]
    public async Task An_edit_records_old_and_new_plain_values_and_only_that_the_secret_changed()
    {
        var id = await CreateAsync();
        database.Clock.Advance(TimeSpan.FromMinutes(5));
        var edit = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        edit.Name = "Hyrule two";
        edit.FieldName = "x-client";
        edit.Secret = SecondSecret;

        using (ActAsEditor())
        {
            Assert.Equal(SaveStatus.Saved, (await database.Credentials.UpdateAsync(id, edit)).Status);
        }

        var (entry, changes) = await AuditLog.SingleAsync(database, "credential.edited");
        Assert.Equal(("editor@example.com", "Hyrule two"), (entry.Actor, entry.ObjectName));
        Assert.Equal(
            [new AuditChange("Name", "Hyrule", "Hyrule two"), new AuditChange("Field name", "clientid", "x-client"), AuditChange.OfSecret("Secret")],
            changes.OrderBy(c => c.Field == "Secret").ThenBy(c => c.Field != "Name"));
        var text = await AuditLog.AllTextAsync(database);
        Assert.DoesNotContain(FirstSecret, text);
        Assert.DoesNotContain(SecondSecret, text);
        // Nor anywhere else in the database in plain text (the hints' four characters aside, which are not the value).
        StoredTextScan.AssertAbsent(database, FirstSecret, SecondSecret);
    }

    [Fact]
    public async Task An_edit_that_keeps_the_secret_does_not_say_it_changed()
    {
        var id = await CreateAsync();
        var edit = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        edit.Location = CredentialLocation.QueryParam;
        edit.ClientId = "link-client-id"; // typed again, the same

        Assert.Equal(SaveStatus.Saved, (await database.Credentials.UpdateAsync(id, edit)).Status);

        var (entry, changes) = await AuditLog.SingleAsync(database, "credential.edited");
        Assert.Equal("system", entry.Actor);
        Assert.Equal([new AuditChange("Location", "Header", "QueryParam")], changes);
    }

    [Fact]
    public async Task A_deletion_is_recorded_with_the_alerts_it_detached()
    {
        var id = await CreateAsync();
        var alert = await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("CPU high", new Uri("http://127.0.0.1:9/hook"), id));
        Assert.Equal(SaveStatus.Saved, alert.Status);

        using (ActAsEditor())
        {
            Assert.True(await database.Credentials.DeleteAsync(id));
        }

        var (entry, changes) = await AuditLog.SingleAsync(database, "credential.deleted");
        Assert.Equal(("editor@example.com", "Hyrule"), (entry.Actor, entry.ObjectName));
        var detached = Assert.Single(changes);
        Assert.Equal(("Alert", "No Auth"), (detached.Field, detached.To));
        Assert.Contains("CPU high", detached.From);
    }

    [Fact]
    public async Task A_refused_save_records_nothing()
    {
        var id = await CreateAsync();
        var edit = (await database.Credentials.GetForEditAsync(id))!.ToInput();
        edit.Version = 99; // stale

        Assert.Equal(SaveStatus.Conflict, (await database.Credentials.UpdateAsync(id, edit)).Status);
        edit.Version = 1;
        edit.Name = "";
        Assert.Equal(SaveStatus.Invalid, (await database.Credentials.UpdateAsync(id, edit)).Status);

        Assert.Equal(["credential.created"], (await AuditLog.ReadAsync(database)).Select(e => e.Entry.Action));
    }
}

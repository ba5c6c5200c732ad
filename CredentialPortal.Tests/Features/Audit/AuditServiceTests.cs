using CredentialPortal.Features.Audit;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class AuditServiceTests : IAsyncLifetime
{
    private static readonly DateTime Start = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    private PortalTestDatabase database = default!;

    private AuditService Audit => database.Services.GetRequiredService<AuditService>();

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync();
        // Thirty entries a minute apart: alternating actors, three credentials, and two entries in the same instant.
        await using var db = await database.CreateDbContextAsync();
        for (var i = 0; i < 30; i++)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                AtUtc = Start.AddMinutes(i == 29 ? 28 : i),
                Actor = i % 2 == 0 ? "ann@example.com" : "bob@example.com",
                Action = "credential.edited",
                ObjectType = "credential",
                ObjectId = $"c{i % 3}",
                ObjectName = $"Credential {i}",
            });
        }
        db.AuditEntries.Add(new AuditEntry { AtUtc = Start, Actor = "ann@example.com", Action = "alert.edited", ObjectType = "alert", ObjectId = "c0" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    private async Task<string[]> NamesAsync(AuditQuery query) => (await Audit.ListAsync(query)).Items.Select(r => r.ObjectName ?? "-").ToArray();

    [Fact]
    public async Task Lists_newest_first_and_the_same_instant_by_the_later_entry_first()
    {
        var page = await Audit.ListAsync(new AuditQuery(PageSize: 3));

        Assert.Equal(["Credential 29", "Credential 28", "Credential 27"], page.Items.Select(r => r.ObjectName));
        Assert.Equal((31, false), (page.Total, page.MoreThanTotal));
    }

    [Fact]
    public async Task Pages_follow_one_another_without_gaps_or_repeats()
    {
        var seen = new List<long>();
        for (var index = 0; index < 4; index++)
        {
            seen.AddRange((await Audit.ListAsync(new AuditQuery(Page: index, PageSize: 10))).Items.Select(r => r.Id));
        }

        Assert.Equal(31, seen.Distinct().Count());
        Assert.Empty((await Audit.ListAsync(new AuditQuery(Page: 4, PageSize: 10))).Items);
    }

    [Fact]
    public async Task A_page_number_far_past_the_trail_is_empty_with_the_total()
    {
        // Its offset would pass int.MaxValue: it must not wrap round to a negative one.
        var page = await Audit.ListAsync(new AuditQuery(Page: 21_474_837, PageSize: 100));

        Assert.Empty(page.Items);
        Assert.Equal((31, false), (page.Total, page.MoreThanTotal));
    }

    [Fact]
    public async Task Filters_by_actor_object_and_time_range()
    {
        Assert.All((await Audit.ListAsync(new AuditQuery(Actor: "bob@example.com", PageSize: 100))).Items, r => Assert.Equal("bob@example.com", r.Actor));
        Assert.Equal(15, (await Audit.ListAsync(new AuditQuery(Actor: "bob@example.com"))).Total);

        // An object is its type and its id: the alert with the same id is not the credential's.
        var credential = await Audit.ListAsync(new AuditQuery(ObjectType: "credential", ObjectId: "c0", PageSize: 100));
        Assert.Equal(10, credential.Total);
        Assert.All(credential.Items, r => Assert.Equal(("credential", "c0"), (r.ObjectType, r.ObjectId)));

        // From inclusive, to exclusive.
        Assert.Equal(["Credential 4", "Credential 3", "Credential 2"],
            await NamesAsync(new AuditQuery(ObjectType: "credential", FromUtc: Start.AddMinutes(2), ToUtc: Start.AddMinutes(5))));
    }

    [Fact]
    public async Task Counting_stops_past_the_page_and_says_more()
    {
        await using (var db = await database.CreateDbContextAsync())
        {
            for (var i = 0; i < AuditService.CountStep; i++)
            {
                db.AuditEntries.Add(new AuditEntry { AtUtc = Start.AddHours(1), Actor = "bulk", Action = "credential.edited", ObjectType = "credential" });
            }
            await db.SaveChangesAsync();
        }

        var first = await Audit.ListAsync(new AuditQuery(PageSize: 10));
        Assert.Equal((AuditService.CountStep, true), (first.Total, first.MoreThanTotal));
        var last = await Audit.ListAsync(new AuditQuery(Page: 103, PageSize: 10));
        Assert.Equal((AuditService.CountStep + 31, false), (last.Total, last.MoreThanTotal));
        Assert.Single(last.Items);
    }

    [Fact]
    public async Task Links_point_at_objects_that_still_exist_only()
    {
        var page = await Audit.ListAsync(new AuditQuery(PageSize: 5));

        Assert.Empty(await Audit.LinksAsync(page.Items)); // c0, c1, c2 are no credentials' public ids
    }
}

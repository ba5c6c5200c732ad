using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CredentialPortal.Data;

/// <summary>
/// Many new rows of one entity type in one INSERT statement, for the write paths that add rows in batches (fires, the
/// attempts of a batch): SaveChanges sends a command per row on SQLite and spends most of a batch's time (inside its
/// write lock) preparing them. The statement is made from the EF model (table, columns, value converters), so it
/// writes what SaveChanges would; store-generated keys are left to the database and not read back.
/// </summary>
public static class RowInsert
{
    public static async Task InsertRowsAsync<T>(this PortalDbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken = default)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never) && p.PropertyInfo is not null)
            .ToList();

        var sql = new StringBuilder("INSERT INTO \"").Append(table.Name).Append("\" (")
            .AppendJoin(", ", columns.Select(c => $"\"{c.GetColumnName(table)}\"")).Append(") VALUES ");
        var values = new object?[rows.Count * columns.Count];
        var n = 0;
        foreach (var row in rows)
        {
            sql.Append(n == 0 ? "(" : ", (");
            for (var i = 0; i < columns.Count; i++)
            {
                var value = columns[i].PropertyInfo!.GetValue(row);
                var converter = columns[i].GetTypeMapping().Converter;
                values[n] = value is null || converter is null ? value : converter.ConvertToProvider(value);
                sql.Append(i == 0 ? "{" : ", {").Append(n++).Append('}');
            }
            sql.Append(')');
        }
        await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(sql.ToString(), values), cancellationToken);
    }
}

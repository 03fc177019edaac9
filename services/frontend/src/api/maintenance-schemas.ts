/** Response schemas of the maintenance window and incident update routes, registered in the OpenAPI components. */
import { z } from 'zod';
import { INCIDENT_UPDATE_STATUSES, IncidentUpdateInput, type IncidentUpdate } from '../data/incident-updates.js';
import { MaintenanceWindowInput, RECURRENCES, type MaintenanceWindow } from '../data/maintenance-windows.js';
import { apiSchemas } from './schemas.js';

const timestamp = z.string().describe('ISO 8601 timestamp');

export const MaintenanceWindowSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  allChecks: z.boolean(),
  checkIds: z.array(z.uuid()),
  recurrence: z.enum(RECURRENCES),
  startsAt: timestamp.nullable(),
  endsAt: timestamp.nullable(),
  weekdays: z.array(z.number().int()).nullable(),
  startTime: z.string().nullable().describe('HH:MM in timeZone (weekly windows)'),
  durationMinutes: z.number().int().nullable(),
  timeZone: z.string().nullable(),
  next: z
    .object({ startsAt: timestamp, endsAt: timestamp })
    .nullable()
    .describe('The occurrence going on now, or the next one; null when the window is over.'),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const MaintenanceWindowListSchema = z.object({ maintenanceWindows: z.array(MaintenanceWindowSchema) });

export const IncidentUpdateSchema = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  status: z.enum(INCIDENT_UPDATE_STATUSES),
  message: z.string(),
  createdAt: timestamp,
});
export const IncidentUpdateListSchema = z.object({ updates: z.array(IncidentUpdateSchema).describe('Newest first.') });

apiSchemas.add(MaintenanceWindowInput, { id: 'MaintenanceWindowInput' });
apiSchemas.add(MaintenanceWindowSchema, { id: 'MaintenanceWindow' });
apiSchemas.add(MaintenanceWindowListSchema, { id: 'MaintenanceWindowList' });
apiSchemas.add(IncidentUpdateInput, { id: 'IncidentUpdateInput' });
apiSchemas.add(IncidentUpdateSchema, { id: 'IncidentUpdate' });
apiSchemas.add(IncidentUpdateListSchema, { id: 'IncidentUpdateList' });

// Compile-time proof that the documented responses are exactly what the data layer returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const responsesMatchDataLayer: [Same<z.infer<typeof MaintenanceWindowSchema>, MaintenanceWindow>, Same<z.infer<typeof IncidentUpdateSchema>, IncidentUpdate>] = [
  true,
  true,
];
void responsesMatchDataLayer;

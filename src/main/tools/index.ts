// The tools every run has: the plan and the workspace tools.
import type { ToolDefinition } from '../core/tool';
import { bashTool } from './bash';
import { editTool } from './edit';
import { planTool } from './plan';
import { readTool } from './read';
import { writeTool } from './write';

export const builtinTools: readonly ToolDefinition[] = [planTool, readTool, writeTool, editTool, bashTool];
